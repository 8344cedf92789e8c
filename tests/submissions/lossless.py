"""What a re-export of a received ICSR may change, and the element-by-element check."""

from __future__ import annotations

from pv.privacy.scrub import scrub_text
from submissions.e2b.compare import Difference, compare_messages

# pv as the new sender: batch and message headers (N.*), its own report id (C.1.1), creation
# time (C.1.2) and sender block (C.3). Identity masking by policy: the reporter's name,
# organisation, address, phone and e-mail (C.2.r.1-2, FDA.C.2.r.2.8), the patient's name
# (D.1) and record numbers (D.1.1.x), the parent's name (D.10.1).
SENDER_ELEMENTS = ("N.", "C.1.1", "C.1.2", "C.3")
MASKED_ELEMENTS = ("C.2.r.1", "C.2.r.2", "FDA.C.2.r.2", "D.1", "D.1.1", "D.10.1")
KEPT_IN_SOURCE = ("C.2.r.3", "C.2.r.4", "C.2.r.5")


def allowed(diff: Difference) -> bool:
    element = diff.element
    if element in SENDER_ELEMENTS or element.startswith(SENDER_ELEMENTS):
        return element not in ("C.1.10.r", "C.1.11.1", "C.1.11.2") and not element.startswith(
            ("C.1.10", "C.1.11"))
    if element in MASKED_ELEMENTS or element.startswith(("C.2.r.1", "C.2.r.2", "D.1.1",
                                                         "D.10.1", "FDA.C.2.r.2")):
        return True
    if element == "C.2.r":  # inside a primary source, outside its country/qualification/priority
        return True
    # Free text is scrubbed of contact patterns (Shared Data bound for partners).
    return diff.path.endswith("/text()") and scrub_text(diff.before, ()) == diff.after


def unexpected_differences(received: bytes, exported: bytes) -> list[str]:
    return [str(d) for d in compare_messages(received, exported) if not allowed(d)]
