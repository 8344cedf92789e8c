"""Which words triggered each seriousness criterion, for the review, case and case-work pages.

Screening decides seriousness per text (`intake.nlp.assess.seriousness_evidence` gives the
spans); this shapes the spans into short highlighted snippets per criterion. Criteria that no
words cue (a ticked box on a structured report, a reviewer's correction) say so."""

from __future__ import annotations

from intake.nlp.assess import seriousness_evidence
from web.display import SERIOUSNESS

CONTEXT = 40  # characters either side of the triggering words


def _snippet(text: str, start: int, end: int) -> dict:
    left = max(0, start - CONTEXT)
    right = min(len(text), end + CONTEXT)
    # Whole words at the edges.
    if left > 0 and " " in text[left:start]:
        left = text.index(" ", left) + 1
    if right < len(text) and " " in text[end:right]:
        right = text.rindex(" ", end, right)
    return {
        "before": ("…" if left > 0 else "") + text[left:start],
        "match": text[start:end],
        "after": text[end:right] + ("…" if right < len(text) else ""),
        "start": start,
        "end": end,
    }


def case_texts(*, case, posts=None, reports=None) -> list[str]:
    """The texts the case came from (its posts and reports' free text), else its narrative:
    where a reviewer looks for the words behind each criterion. Pass the posts and reports the
    page has loaded already."""
    posts = case.source_posts.all() if posts is None else posts
    reports = case.source_reports.all() if reports is None else reports
    texts = [p.text for p in posts] + [r.free_text for r in reports]
    return [t for t in texts if t] or [case.narrative]


def seriousness_rows(*, criteria: list[str], texts: list[str]) -> list[dict]:
    """[{criterion, label, snippets: [{before, match, after, start, end}]}] for each criterion
    in `criteria` (in their order), with the words in `texts` that cue it."""
    found: dict[str, list[dict]] = {}
    for text in texts:
        spans: dict[str, list[list[int]]] = {}
        for e in seriousness_evidence(text or ""):
            runs = spans.setdefault(e["criterion"], [])
            # "admitted" + "to hospital": one phrase, one snippet.
            if runs and e["start"] - runs[-1][1] <= 1:
                runs[-1][1] = max(runs[-1][1], e["end"])
            else:
                runs.append([e["start"], e["end"]])
        for criterion, runs in spans.items():
            found.setdefault(criterion, []).extend(_snippet(text, a, b) for a, b in runs)
    return [
        {"criterion": c, "label": SERIOUSNESS.get(c, c), "snippets": found.get(c, [])[:3]}
        for c in criteria
    ]
