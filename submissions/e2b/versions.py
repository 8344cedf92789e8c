"""ICSR versions: initial, follow-up, amendment, nullification (NOTES.md §4), and a pure check of
a new version against its predecessor.

* follow-up: new information; same C.1.1 and C.1.8.1, later C.1.5, no C.1.11.
* amendment: corrects already-sent content without new source information; C.1.11.1 = 2 with a
  reason, C.1.5 unchanged.
* nullification: voids the whole case; C.1.11.1 = 1 with a reason. A nullified case cannot be
  revived: a later submission needs new C.1.1 and C.1.8.1.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from .snapshot import CaseSnapshot, Nullification
from .timefmt import DateLike, format_ts, ts_to_datetime
from .validate import Failure

NULLIFICATION = "1"
AMENDMENT = "2"


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def follow_up(previous: CaseSnapshot, *, most_recent: DateLike, **changes) -> CaseSnapshot:
    """The next version after new information arrived on `most_recent` (C.1.5)."""
    return dataclasses.replace(
        previous, most_recent=most_recent, nullification=None, created_at=_now(), message_id="",
        **changes,
    )


def amendment(previous: CaseSnapshot, *, reason: str, **changes) -> CaseSnapshot:
    """A corrected version without new information: C.1.5 stays, C.1.11.1 = 2."""
    return dataclasses.replace(
        previous, nullification=Nullification(AMENDMENT, reason), created_at=_now(),
        message_id="", **changes,
    )


def nullification(previous: CaseSnapshot, *, reason: str) -> CaseSnapshot:
    """Void the case (C.1.11.1 = 1). Same identifiers; everything else as last sent."""
    return dataclasses.replace(
        previous, nullification=Nullification(NULLIFICATION, reason), created_at=_now(),
        message_id="",
    )


def check_initial(case: CaseSnapshot) -> list[Failure]:
    if case.nullification is not None:
        return [Failure("VER-INITIAL", "C.1.11.1", "an initial report must not carry "
                        "C.1.11.1 nullification/amendment (FDA R0101)")]
    return []


def check_successor(previous: CaseSnapshot, current: CaseSnapshot) -> list[Failure]:
    """Rules a new version must meet relative to the last one sent to the same recipient."""
    out: list[Failure] = []
    if previous.case_id != current.case_id:
        out.append(Failure("VER-C.1.8.1", "C.1.8.1", f"worldwide case id changed from "
                           f"{previous.case_id!r} to {current.case_id!r}; it never changes for "
                           "the life of a case"))
    if previous.safety_report_id != current.safety_report_id:
        # Allowed only on a company merger/rename or a change of primary-source country.
        out.append(Failure("VER-C.1.1", "C.1.1", f"sender's report id changed from "
                           f"{previous.safety_report_id!r} to {current.safety_report_id!r}",
                           "warning"))
    if previous.nullification is not None and previous.nullification.code == NULLIFICATION:
        out.append(Failure("VER-NULLIFIED", "C.1.11.1", "the case was nullified; a new "
                           "submission needs new C.1.1 and C.1.8.1"))
    if current.nullification is not None:
        if not current.nullification.reason.strip():
            out.append(Failure("VER-C.1.11.2", "C.1.11.2", "a nullification or amendment "
                               "needs a reason"))
        if current.nullification.code == AMENDMENT and not _same(previous.most_recent,
                                                                 current.most_recent):
            out.append(Failure("VER-AMENDMENT", "C.1.5", "an amendment carries no new "
                               "information, so C.1.5 must not move", "warning"))
        return out
    before, after = _moment(previous.most_recent), _moment(current.most_recent)
    if before is not None and after is not None and after <= before:
        out.append(Failure("VER-C.1.5", "C.1.5", f"a follow-up needs a later C.1.5 than the "
                           f"previous version ({format_ts(previous.most_recent)})"))
    return out


def _moment(value: DateLike | None) -> datetime | None:
    return ts_to_datetime(format_ts(value)) if value is not None else None


def _same(a: DateLike | None, b: DateLike | None) -> bool:
    return (format_ts(a) if a is not None else None) == (format_ts(b) if b is not None else None)
