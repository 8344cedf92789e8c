"""Regional business rules: FDA (ids from FDA's rejection/warning table) and EU/EMA.

FDA rule ids (R0004 …, W0001 …) are FDA's own; the `fda` profile reports them so a failure can
be matched against an FDA negative ACK. Elements FDA marks Required for the route (post-market
ZZFDA or pre-market ZZFDA_PREMKT) and that are missing are reported as FDA-REQ, FDA's generic
"Data value required for tag <element>". EU rules follow EU ICSR IG (EMA/51938/2013) as far as
NOTES.md §7 records them; they are marked *(verify)* there.
"""

from __future__ import annotations

from functools import lru_cache

from .checks_fda import check_fda_blocks, is_fda_number
from .checks_ich import Found
from .extract import Extract
from .rules import element_specs, fda_rules

FDA_POSTMARKET = "ZZFDA"
FDA_PREMARKET = "ZZFDA_PREMKT"
FDA_VAERS = frozenset({"CBER VAERS", "CBER_VAERS"})
FDA_PREMARKET_CENTRES = frozenset({"CDER_IND", "CBER_IND", "CDER_IND_EXEMPT_BA_BE"})
EMA_RECEIVERS = frozenset({"EVHUMAN", "EVCTMPROD", "EVTEST"})
_SOURCE_REQUIRED = frozenset({"FDA.C.2.r.2.8"})
_REACTION_REQUIRED = frozenset({"FDA.E.i.3.2h"})


def check_fda(data: Extract, batch: dict, index: int, *, initial: bool | None) -> list:
    found = Found(index)
    rules = fda_rules()
    msg = data.message

    def fail(rule: str, element: str, severity: str = "error") -> None:
        found.add(rule, element, rules.get(rule, rule), severity)

    receiver, centre = batch.get("N.1.4") or "", msg.value("N.2.r.3") or ""
    premarket = receiver == FDA_PREMARKET
    if receiver not in {FDA_POSTMARKET, FDA_PREMARKET} | FDA_VAERS:
        fail("R0004", "N.1.4")
    if receiver == FDA_POSTMARKET and centre != "CDER":
        fail("R0006", "N.2.r.3")
    if premarket and centre not in FDA_PREMARKET_CENTRES:
        fail("R0007", "N.2.r.3")
    if batch.get("N.1.3") and msg.value("N.2.r.2") != batch.get("N.1.3"):
        fail("R0100", "N.2.r.2")

    _fda_required(found, data, premarket)

    c17 = msg.first("C.1.7")
    if initial is not False and c17 is not None and c17.null_flavor == "NI":
        fail("R0011", "C.1.7")
    if initial and msg.has("C.1.11.1"):
        fail("R0101", "C.1.11.1")
    if msg.has("C.1.11.1") and not msg.value("C.1.11.2"):
        found.add("FDA-C.1.11.2", "C.1.11.2", "C.1.11.2 must be provided when C.1.11.1 is "
                  "provided")
    if receiver == FDA_POSTMARKET:
        _local_report_type(fail, msg)
    report_type = msg.value("C.1.3")
    if msg.value("C.1.6.1") == "true" and not msg.has("C.1.6.1.r.1"):
        fail("R0009", "C.1.6.1.r.1")
    if msg.value("C.1.9.1") == "true":
        if not msg.has("C.1.9.1.r.1"):
            fail("R0017", "C.1.9.1.r.1")
        # r.1 and r.2 sit on one <id> (assigningAuthorityName, extension): check each id
        elif any(source.present and not number.present for source, number in zip(
                msg.fields.get("C.1.9.1.r.1", ()), msg.fields.get("C.1.9.1.r.2", ()),
                strict=False)):
            fail("R0018", "C.1.9.1.r.2")
    regulatory = [s for s in data.sources if s.value("C.2.r.5") == "1"]
    if not regulatory:
        fail("R0021", "C.2.r.5")
    for source in regulatory:
        if not source.has("C.2.r.3"):
            fail("R0019", "C.2.r.3")
        if not source.has("C.2.r.4"):
            fail("R0020", "C.2.r.4")
    if (msg.value("C.3.1") or "7") != "7" and not msg.value("C.3.2"):
        fail("R0022", "C.3.2")
    if report_type == "2" and not msg.has("C.5.4"):
        fail("R0023", "C.5.4")
    if report_type == "1" and centre == "CDER" and msg.has("C.5.4"):
        # FDA's all-elements example (Scenario 6, spontaneous, CDER) carries C.5.4 as a bare
        # designation without code: not provided, so it passes, as at FDA's gateway.
        fail("R0103", "C.5.4")
    if receiver == FDA_POSTMARKET and msg.has("FDA.C.5.5a"):
        fail("R0107", "FDA.C.5.5a")
    if receiver == FDA_POSTMARKET and msg.has("FDA.C.5.5b"):
        fail("R0108", "FDA.C.5.5b")
    # FDA: "The format must be "123456"" (IND) / "234567" (pre-ANDA); a number of another shape
    # cannot be one registered with FDA (R0105 / R0106)
    for element, rule in (("FDA.C.5.5a", "R0105"), ("FDA.C.5.5b", "R0106")):
        number = msg.value(element)
        if number is not None and not is_fda_number(number):
            fail(rule, element)
    if premarket and centre in {"CDER_IND", "CBER_IND"}:
        if report_type in {"1", "2"} and not msg.has("FDA.C.5.5a"):
            fail("R0024", "FDA.C.5.5a")
        if report_type in {"3", "4"}:
            fail("R0112", "C.1.3")
    if premarket and centre == "CDER_IND_EXEMPT_BA_BE":
        if report_type != "2":
            fail("R0111", "C.1.3")
        elif not msg.has("FDA.C.5.5b"):
            fail("R0025", "FDA.C.5.5b")
    has_a, has_b = msg.has("D.2.2a"), msg.has("D.2.2b")
    if has_b and not has_a:
        fail("R0029", "D.2.2a")
    if has_a and not has_b:
        fail("R0030", "D.2.2b")
    for reaction in data.reactions:
        if reaction.value("E.i.1.1a") and not reaction.has("E.i.1.1b"):
            fail("R0058", "E.i.1.1b")
    if centre == "CDER" and not any(r in {"1", "3", "4"} for r in data.roles.values()):
        fail("R0069", "G.k.1")
    for drug in data.drugs:
        if drug.has("G.k.3.1") and not drug.has("G.k.3.2"):
            fail("R0074", "G.k.3.2")
        if drug.has("G.k.4.r.1a") and not drug.has("G.k.4.r.1b"):
            fail("R0075", "G.k.4.r.1b")
    check_fda_blocks(data.message.element, data, {
        "receiver": receiver, "centre": centre, "report_type": report_type}, fail)
    return list(found)


@lru_cache(maxsize=2)
def _required_elements(premarket: bool) -> tuple[str, ...]:
    column = "fda_premarket" if premarket else "fda_postmarket"
    specs = element_specs().values()
    return tuple(s.id for s in specs if getattr(s, column).startswith("Required"))


def _fda_required(found: Found, data: Extract, premarket: bool) -> None:
    specs = element_specs()
    required = _required_elements(premarket)
    msg = data.message
    for element in required:
        if element in _SOURCE_REQUIRED:
            groups = [s for s in data.sources if s.value("C.2.r.5") == "1"]
        elif element in _REACTION_REQUIRED:
            groups = data.reactions
        else:
            groups = [msg]
        for group in groups:
            if not group.has(element):
                found.add("FDA-REQ", element, f"Data value required for tag {element} "
                          f"({specs[element].name})")


def _local_report_type(fail, msg) -> None:
    """R0012-R0015: FDA.C.1.7.1 must agree with C.1.7 and FDA.C.1.12 (post-market)."""
    local = msg.value("FDA.C.1.7.1")
    if local is None:
        return
    expedited = msg.value("C.1.7") == "true"
    combination = msg.value("FDA.C.1.12") == "true"
    if combination and expedited and local not in {"1", "4"}:
        fail("R0012", "FDA.C.1.7.1")
    elif combination and not expedited and local not in {"2", "5"}:
        fail("R0013", "FDA.C.1.7.1")
    elif not combination and expedited and local != "1":
        fail("R0014", "FDA.C.1.7.1")
    elif not combination and not expedited and local != "2":
        fail("R0015", "FDA.C.1.7.1")


def check_ema(data: Extract, batch: dict, index: int) -> list:
    found = Found(index)
    msg = data.message
    receiver = batch.get("N.1.4") or ""
    if receiver not in EMA_RECEIVERS:
        found.add("EMA-RECEIVER", "N.1.4", f"batch receiver {receiver!r} is not an EudraVigilance "
                  f"id ({', '.join(sorted(EMA_RECEIVERS))})")
    if (msg.value("N.2.r.3") or "") not in EMA_RECEIVERS:
        found.add("EMA-RECEIVER", "N.2.r.3", "message receiver is not an EudraVigilance id")
    c11 = msg.value("C.1.1") or ""
    if c11 and not c11[:2].isupper():
        found.add("EMA-C.1.1", "C.1.1", "country prefix of C.1.1 must be an upper-case ISO "
                  "3166 code or EU")
    for drug in data.drugs:
        # EDQM route/dose-form term ids are expected in the EU since 2022; free text alone
        # is accepted with a warning here until pv's dictionaries carry EDQM codes.
        if drug.has("G.k.4.r.10.1") and not drug.has("G.k.4.r.10.2b"):
            found.add("EMA-EDQM", "G.k.4.r.10.2b", "route given as free text only; EU expects "
                      "the EDQM route term id", "warning")
    return list(found)
