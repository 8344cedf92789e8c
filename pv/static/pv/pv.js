/* pv keyboard shortcuts. No dependencies; htmx swaps are handled by re-reading the DOM.
 * Queue: j/k move between rows, Enter/o open, c confirm, r reject, e edit coding.
 * Review: j/k move between highlighted mentions, c confirm, r reject reason, e recode search.
 */
(function () {
  "use strict";

  function typing(event) {
    var t = event.target;
    return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("tr.qrow"));
  }

  function current() {
    return document.querySelector("tr.qrow.current");
  }

  function select(row) {
    rows().forEach(function (r) { r.classList.remove("current"); r.removeAttribute("aria-current"); });
    if (!row) { return; }
    row.classList.add("current");
    row.setAttribute("aria-current", "true");
    var link = row.querySelector("a.open");
    if (link) { link.focus({ preventScroll: false }); }
  }

  function moveRow(step) {
    var all = rows();
    if (!all.length) { return; }
    var index = all.indexOf(current());
    if (index === -1) {
      var focused = document.activeElement && document.activeElement.closest("tr.qrow");
      index = focused ? all.indexOf(focused) : (step > 0 ? -1 : 0);
    }
    select(all[Math.max(0, Math.min(all.length - 1, index + step))]);
  }

  function moveMention(step) {
    var marks = Array.prototype.slice.call(document.querySelectorAll("[data-mentions] mark.m"));
    if (!marks.length) { return; }
    var index = marks.indexOf(document.activeElement);
    marks[Math.max(0, Math.min(marks.length - 1, index + step))].focus();
  }

  // The recode search of the mention in focus (after j / k), else the first one.
  function recodeSearch() {
    var active = document.activeElement;
    if (active && active.id && active.id.indexOf("hl-") === 0) {
      var own = document.getElementById("q-" + active.id.slice(3));
      if (own) { return own; }
    }
    return document.querySelector(".recode-search");
  }

  function focusField(field) {
    if (!field) { return; }
    field.scrollIntoView({ block: "center" });
    field.focus({ preventScroll: true });
  }

  function go(url) { if (url) { window.location.assign(url); } }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event)) { return; }
    var key = event.key;
    var review = document.querySelector("[data-review-page]");
    if (review) {
      if (key === "j" || key === "k") { moveMention(key === "j" ? 1 : -1); }
      else if (key === "c") { go(review.getAttribute("data-confirm")); }
      else if (key === "r") { focusField(document.getElementById("reject-preset")); }
      else if (key === "e") { focusField(recodeSearch()); }
      else { return; }
      event.preventDefault();
      return;
    }
    if (!rows().length) { return; }
    var row = current() || (document.activeElement && document.activeElement.closest && document.activeElement.closest("tr.qrow"));
    if (key === "j") { moveRow(1); }
    else if (key === "k") { moveRow(-1); }
    else if ((key === "o" || key === "Enter") && row) { go(row.getAttribute("data-review")); }
    else if (key === "c" && row) { go(row.getAttribute("data-confirm")); }
    else if (key === "r" && row) { go(row.getAttribute("data-reject")); }
    else if (key === "e" && row) { go(row.getAttribute("data-edit")); }
    else { return; }
    event.preventDefault();
  });

  // Arriving at review#reject or review#coding puts the cursor where the shortcut promised;
  // review#item (the next item after a decision) puts it on the item's heading.
  document.addEventListener("DOMContentLoaded", function () {
    if (location.hash === "#reject") { focusField(document.getElementById("reject-preset")); }
    if (location.hash === "#coding") { focusField(document.querySelector(".recode-search")); }
    if (location.hash === "#item") { var h = document.getElementById("item"); if (h) { h.focus(); } }
  });

  // RSI form: a dictionary result's "Use" fills term, code and terminology.
  document.addEventListener("click", function (event) {
    var b = event.target && event.target.closest && event.target.closest("button.pick-term");
    if (!b) { return; }
    [["rsi-term", "term"], ["rsi-code", "code"], ["rsi-terminology", "terminology"]].forEach(function (p) {
      var f = document.getElementById(p[0]);
      if (f) { f.value = b.getAttribute("data-" + p[1]) || ""; }
    });
    var source = document.getElementById("rsi-source");
    if (source) { source.focus(); }
  });

  // Drafts: what a reviewer types into a textarea survives a session that expired under it.
  // Kept per page and field in sessionStorage (this tab only, gone when the tab closes), put
  // back into the empty field when the page is shown again (after signing back in), and
  // dropped once the form is submitted from a live session (the next page is another one).
  function draftKey(field) { return "pv-draft:" + location.pathname + ":" + (field.name || field.id); }
  function fields() { return Array.prototype.slice.call(document.querySelectorAll("textarea[name]")); }
  document.addEventListener("input", function (event) {
    var t = event.target;
    if (t && t.tagName === "TEXTAREA" && t.name) {
      try { sessionStorage.setItem(draftKey(t), t.value); } catch (e) { /* storage full or off */ }
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    fields().forEach(function (f) {
      var saved = null;
      try { saved = sessionStorage.getItem(draftKey(f)); } catch (e) { return; }
      if (saved && !f.value) { f.value = saved; f.setAttribute("data-restored", "true"); }
    });
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    // A successful htmx form post: its drafts are used up.
    var form = event.detail && event.detail.elt && event.detail.elt.closest && event.detail.elt.closest("form");
    if (form && event.detail.successful && !event.detail.xhr.getResponseHeader("HX-Redirect")) {
      Array.prototype.slice.call(form.querySelectorAll("textarea[name]")).forEach(function (f) {
        try { sessionStorage.removeItem(draftKey(f)); } catch (e) { /* ignore */ }
      });
    }
  });
})();
