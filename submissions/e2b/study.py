"""C.5 study identification: read from and written to primaryRole/subjectOf1/researchStudy."""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from . import constants as k
from .snapshot import Study, StudyRegistration
from .xmlutil import sub

_H = f"{{{k.HL7_NS}}}"


def parse_study(role: etree._Element | None) -> Study | None:
    research = role.find(f"{_H}subjectOf1/{_H}researchStudy") if role is not None else None
    if research is None:
        return None
    sponsor = research.find(f"{_H}id[@root='{k.OID_SPONSOR_STUDY_NO}']")
    code = research.find(f"{_H}code")
    title = research.find(f"{_H}title")
    registrations = []
    for registration in research.findall(f"{_H}authorization/{_H}studyRegistration"):
        number = registration.find(f"{_H}id")
        country = registration.find(
            f"{_H}author/{_H}territorialAuthority/{_H}governingPlace/{_H}code")
        if number is None:
            continue
        registrations.append(StudyRegistration(
            number=number.get("extension") or "", root=number.get("root") or "",
            country=(country.get("code") or "") if country is not None else ""))
    return Study(
        registrations=registrations,
        name="".join(title.itertext()) if title is not None else "",
        sponsor_number=(sponsor.get("extension") or "") if sponsor is not None else "",
        type=(code.get("code") or "") if code is not None else "",
    )


def build_study(role: etree._Element, study: Study | None, clean: Callable[[str], str]) -> None:
    """After player1 (the schema puts subjectOf1 between player1 and subjectOf2)."""
    if study is None:
        return
    research = sub(sub(role, "subjectOf1", {"typeCode": "SBJ"}), "researchStudy",
                   {"classCode": "CLNTRL", "moodCode": "EVN"})
    if study.sponsor_number:
        sub(research, "id", {"root": k.OID_SPONSOR_STUDY_NO, "extension": study.sponsor_number})
    if study.type:
        sub(research, "code", {"code": study.type, "codeSystem": k.CL_STUDY_TYPE})
    if study.name:
        sub(research, "title", text=clean(study.name))
    for registration in study.registrations:
        entry = sub(sub(research, "authorization", {"typeCode": "AUTH"}), "studyRegistration",
                    {"classCode": "ACT", "moodCode": "EVN"})
        sub(entry, "id", {"root": registration.root, "extension": registration.number})
        if registration.country:
            authority = sub(sub(entry, "author", {"typeCode": "AUT"}), "territorialAuthority",
                            {"classCode": "TERR"})
            place = sub(authority, "governingPlace",
                        {"classCode": "COUNTRY", "determinerCode": "INSTANCE"})
            sub(place, "code", {"code": registration.country, "codeSystem": k.COUNTRY_OID})
