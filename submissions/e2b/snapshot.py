"""The case snapshot: plain data the E2B(R3) builder reads and the parser produces.

The Django service maps a Case version (and the recipient) onto these dataclasses; nothing here
knows about the database. Every field has a default so a minimal case is short to write:

    CaseSnapshot(
        safety_report_id="GB-PVPLATFORM-000123",
        first_received=date(2025, 1, 3), most_recent=date(2025, 1, 3),
        primary_sources=[PrimarySource(country="GB")],
        sender=Sender(organisation="pv platform"),
        reactions=[Reaction(reported_term="rash", term=Code("10037844", MEDDRA_OID, "27.0"))],
        drugs=[Drug(name="amoxicillin")],
        narrative="...",
        restricted_values=("Jane Doe", "jane@example.org"),
    )

Coded values use the E2B code strings ("1" suspect, "5" consumer ...). A field that may be
withheld takes a nullFlavor string ("MSK", "UNK", "ASKU", "NASK", "NI") instead of a value.
Element numbers (C.1.1, E.i.7 ...) are in the comments so the mapping to the guide is greppable.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from .constants import MEDDRA_OID, OID_STUDY_REGISTRATION
from .retained import Kept
from .timefmt import DateLike


def _uuid() -> str:
    return str(uuid.uuid4())


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class DrugRole:  # G.k.1
    SUSPECT = "1"
    CONCOMITANT = "2"
    INTERACTING = "3"
    NOT_ADMINISTERED = "4"


class Qualification:  # C.2.r.4
    PHYSICIAN = "1"
    PHARMACIST = "2"
    OTHER_HCP = "3"
    LAWYER = "4"
    CONSUMER = "5"


class Outcome:  # E.i.7
    UNKNOWN = "0"
    RECOVERED = "1"
    RECOVERING = "2"
    NOT_RECOVERED = "3"
    RECOVERED_WITH_SEQUELAE = "4"
    FATAL = "5"


class ActionTaken:  # G.k.8
    WITHDRAWN = "1"
    DOSE_REDUCED = "2"
    DOSE_INCREASED = "3"
    DOSE_NOT_CHANGED = "4"
    UNKNOWN = "0"
    NOT_APPLICABLE = "9"


SERIOUSNESS_CRITERIA = (
    "death",
    "life_threatening",
    "hospitalisation",
    "disability",
    "congenital_anomaly",
    "other_medically_important",
)


@dataclass(frozen=True)
class Code:
    """A coded term with its terminology. pv may code against an open, non-MedDRA terminology,
    so the code system OID and its version always travel with the code."""

    code: str
    system: str = MEDDRA_OID
    version: str = ""
    display: str = ""

    @property
    def is_meddra(self) -> bool:
        return self.system == MEDDRA_OID


@dataclass(frozen=True)
class Quantity:
    """A number with its UCUM unit ("a" years, "mo", "wk", "d", "kg", "mg" ...)."""

    value: Decimal | int | float | str
    unit: str = "1"


@dataclass
class BatchHeader:
    """N.1 batch wrapper and the routing part of N.2.r message headers."""

    batch_number: str = field(default_factory=_uuid)  # N.1.2
    sender_id: str = ""  # N.1.3 (and N.2.r.2 unless message_sender_id is set)
    receiver_id: str = ""  # N.1.4, e.g. "ZZFDA", "EVHUMAN"
    created_at: datetime = field(default_factory=_now)  # N.1.5
    message_receiver_id: str = ""  # N.2.r.3, defaults to receiver_id (FDA: "CDER")
    message_sender_id: str = ""  # N.2.r.2, defaults to sender_id


@dataclass
class PrimarySource:
    """C.2.r. Name, address, telephone and e-mail are never carried: the builder always emits
    them as nullFlavor MSK (the reporter is a member; contact goes through the relay)."""

    qualification: str = Qualification.CONSUMER  # C.2.r.4, or "UNK"
    country: str = ""  # C.2.r.3 ISO 3166-1 alpha-2 (or "EU")
    regulatory: bool = True  # C.2.r.5: exactly one source per case is the regulatory one


@dataclass
class Sender:
    """C.3: the organisation sending the ICSR (the platform's safety function, not a member)."""

    type: str = "6"  # C.3.1: 1 company, 2 regulator, 3 HCP, 4 regional centre, 5 WHO, 6 other
    organisation: str = ""  # C.3.2
    department: str = ""  # C.3.3.1
    title: str = ""  # C.3.3.2
    given_name: str = ""  # C.3.3.3
    family_name: str = ""  # C.3.3.5
    street: str = ""  # C.3.4.1
    city: str = ""  # C.3.4.2
    state: str = ""  # C.3.4.3
    postcode: str = ""  # C.3.4.4
    country: str = ""  # C.3.4.5
    telephone: str = ""  # C.3.4.6
    fax: str = ""  # C.3.4.7
    email: str = ""  # C.3.4.8


@dataclass
class MedicalHistory:
    """D.7.1.r: one structured entry of relevant medical history / concurrent condition."""

    term: Code  # D.7.1.r.1a/b
    start: DateLike | None = None  # D.7.1.r.2
    continuing: bool | None = None  # D.7.1.r.3
    end: DateLike | None = None  # D.7.1.r.4
    comments: str = ""  # D.7.1.r.5 (free text, scrubbed)
    family_history: bool = False  # D.7.1.r.6
    kept: dict[str, Kept] = field(default_factory=dict, repr=False, compare=False)  # retained.py


@dataclass
class PastDrug:
    """D.8.r: relevant past drug history."""

    name: str  # D.8.r.1
    start: DateLike | None = None  # D.8.r.4
    end: DateLike | None = None  # D.8.r.5
    indication: Code | None = None  # D.8.r.6a/b
    reaction: Code | None = None  # D.8.r.7a/b
    kept: dict[str, Kept] = field(default_factory=dict, repr=False, compare=False)  # retained.py


@dataclass
class CodedTerm:
    """A MedDRA-coded term with the reporter's words (D.9.2.r, D.9.4.r)."""

    term: Code | None = None  # ...1a/b MedDRA version and code
    text: str = ""  # ...2 free text (scrubbed)


@dataclass
class Death:
    """D.9: the patient died."""

    date: DateLike | None = None  # D.9.1 (or a nullFlavor)
    reported_causes: list[CodedTerm] = field(default_factory=list)  # D.9.2.r
    autopsy: bool | str | None = None  # D.9.3: True/False, a nullFlavor, or None (not sent)
    autopsy_causes: list[CodedTerm] = field(default_factory=list)  # D.9.4.r


@dataclass
class Patient:
    """D. Initials default to nullFlavor MSK: pv never sends a member's name or initials."""

    initials: str = "MSK"  # D.1 (value or nullFlavor)
    birth_date: DateLike | None = None  # D.2.1 (pv leaves it out; import keeps it)
    age: Quantity | None = None  # D.2.2a/b, unit "a", "mo", "wk", "d", "h", "10.a"
    age_group: str = ""  # D.2.3: 0 foetus … 6 elderly
    weight_kg: Decimal | int | float | str | None = None  # D.3
    height_cm: Decimal | int | float | str | None = None  # D.4
    sex: str = ""  # D.5: "1" male, "2" female, or a nullFlavor
    medical_history: list[MedicalHistory] = field(default_factory=list)  # D.7.1.r
    medical_history_text: str = ""  # D.7.2 (free text, scrubbed)
    concomitant_therapies: bool = False  # D.7.3
    past_drugs: list[PastDrug] = field(default_factory=list)  # D.8.r
    death: Death | None = None  # D.9
    kept: dict[str, Kept] = field(default_factory=dict, repr=False, compare=False)  # retained.py


@dataclass
class Reaction:
    """E.i. `id` is the UUID G.k.9.i (relatedness) points at; keep it stable across versions."""

    reported_term: str = ""  # E.i.1.1a verbatim, native language (scrubbed)
    # E.i.1.1b ISO 639-2 alpha-3; required whenever reported_term is sent. pv's community
    # writes English; set it per post when members write in other languages.
    reported_language: str = "eng"
    term: Code | None = None  # E.i.2.1a/b (MedDRA LLT, or pv's open terminology)
    translation: str = ""  # E.i.1.2 (scrubbed)
    onset: DateLike | None = None  # E.i.4
    end: DateLike | None = None  # E.i.5
    duration: Quantity | None = None  # E.i.6a/b
    seriousness: frozenset[str] = frozenset()  # E.i.3.2a-f, names from SERIOUSNESS_CRITERIA
    outcome: str = Outcome.UNKNOWN  # E.i.7
    country: str = ""  # E.i.9
    required_intervention: bool = False  # FDA.E.i.3.2h (emitted only with FdaRegional)
    id: str = field(default_factory=_uuid)
    kept: dict[str, Kept] = field(default_factory=dict, repr=False, compare=False)  # retained.py


@dataclass
class Ingredient:
    """G.k.2.3.r: active ingredient, coded when the dictionary knows it."""

    name: str  # G.k.2.3.r.1
    code: Code | None = None  # G.k.2.3.r.2a/b
    strength: Quantity | None = None  # G.k.2.3.r.3a/b


@dataclass
class Dosage:
    """G.k.4.r: one dosage regimen."""

    dose: Quantity | None = None  # G.k.4.r.1a/b
    interval: Quantity | None = None  # G.k.4.r.2/3: every <value> <unit>, e.g. (8, "h")
    start: DateLike | None = None  # G.k.4.r.4
    end: DateLike | None = None  # G.k.4.r.5
    duration: Quantity | None = None  # G.k.4.r.6a/b
    batch_lot: str = ""  # G.k.4.r.7
    text: str = ""  # G.k.4.r.8 dosage text (scrubbed)
    dose_form_text: str = ""  # G.k.4.r.9.1
    dose_form: Code | None = None  # G.k.4.r.9.2a/b (EDQM)
    route_text: str = ""  # G.k.4.r.10.1
    route: Code | None = None  # G.k.4.r.10.2a/b (EDQM)
    kept: dict[str, Kept] = field(default_factory=dict, repr=False, compare=False)  # retained.py


@dataclass
class Indication:
    """G.k.7.r."""

    text: str = ""  # G.k.7.r.1 (scrubbed)
    term: Code | None = None  # G.k.7.r.2a/b


@dataclass
class Relatedness:
    """G.k.9.i.2.r: one assessment of this drug against reaction `reaction_id`."""

    reaction_id: str  # G.k.9.i.1 (Reaction.id)
    result: str  # G.k.9.i.2.r.3, e.g. "related", "not related"
    source: str = ""  # G.k.9.i.2.r.1, e.g. "primary source reporter", "sender"
    method: str = ""  # G.k.9.i.2.r.2, e.g. "global introspection"


@dataclass
class Drug:
    """G.k. `id` is the UUID causality assessments refer to."""

    name: str = ""  # G.k.2.2 as reported
    role: str = DrugRole.SUSPECT  # G.k.1
    product_code: Code | None = None  # G.k.2.1.1a/b (MPID, e.g. an NDC)
    ingredients: list[Ingredient] = field(default_factory=list)  # G.k.2.3.r
    authorisation_number: str = ""  # G.k.3.1
    authorisation_country: str = ""  # G.k.3.2
    holder: str = ""  # G.k.3.3
    dosages: list[Dosage] = field(default_factory=list)  # G.k.4.r
    indications: list[Indication] = field(default_factory=list)  # G.k.7.r
    action_taken: str = ""  # G.k.8
    relatedness: list[Relatedness] = field(default_factory=list)  # G.k.9.i.2.r
    additional_info: str = ""  # G.k.11 (scrubbed)
    id: str = field(default_factory=_uuid)
    kept: dict[str, Kept] = field(default_factory=dict, repr=False, compare=False)  # retained.py


@dataclass
class FdaRegional:
    """FDA regional elements; set on the snapshot when the recipient is FDA."""

    local_report_type: str = "1"  # FDA.C.1.7.1: 1 15-day, 2 non-expedited, 4 5-day, 5 30-day
    combination_product: bool = False  # FDA.C.1.12
    race: tuple[str, ...] = ()  # FDA.D.11.r NCI codes; empty -> race_null_flavor
    race_null_flavor: str = "UNK"
    ethnicity: str = ""  # FDA.D.12 NCI code; empty -> ethnicity_null_flavor
    ethnicity_null_flavor: str = "UNK"


@dataclass
class StudyRegistration:
    """C.5.1.r (root OID_STUDY_REGISTRATION) or an FDA study number: FDA.C.5.5a IND (FDA_IND),
    FDA.C.5.5b pre-ANDA (FDA_PRE_ANDA), FDA.C.5.6.r cross-reported IND (FDA_CROSS_REPORTED_IND)."""

    number: str  # C.5.1.r.1 / FDA.C.5.5a / FDA.C.5.5b / FDA.C.5.6.r
    root: str = OID_STUDY_REGISTRATION
    country: str = ""  # C.5.1.r.2


@dataclass
class Study:
    """C.5: the study in which the reaction was observed (report type 2, FDA pre-market)."""

    registrations: list[StudyRegistration] = field(default_factory=list)  # C.5.1.r, FDA.C.5.5/6
    name: str = ""  # C.5.2 (scrubbed)
    sponsor_number: str = ""  # C.5.3
    type: str = ""  # C.5.4: 1 clinical trial, 2 individual patient use, 3 other studies

    def numbers(self, root: str) -> list[str]:
        return [r.number for r in self.registrations if r.root == root]


@dataclass
class Nullification:
    """C.1.11: code "1" nullification (voids the case) or "2" amendment, with a reason."""

    code: str  # C.1.11.1
    reason: str  # C.1.11.2 (scrubbed)


@dataclass
class CaseSnapshot:
    """One ICSR (one PORR_IN049016UV message)."""

    safety_report_id: str = ""  # C.1.1 "CC-ORG-number"; also N.2.r.1 unless message_id set
    worldwide_case_id: str = ""  # C.1.8.1, defaults to C.1.1 (pv is the first sender)
    first_sender: str = "2"  # C.1.8.2: 1 regulator, 2 other
    created_at: datetime = field(default_factory=_now)  # C.1.2 (and N.2.r.4)
    report_type: str = "1"  # C.1.3: 1 spontaneous, 2 study, 3 other, 4 not available
    first_received: DateLike | None = None  # C.1.4
    most_recent: DateLike | None = None  # C.1.5
    additional_documents: tuple[str, ...] = ()  # C.1.6.1.r.1 titles; C.1.6.1 = bool(...)
    expedited: bool | None = None  # C.1.7 (None -> nullFlavor NI, R2 migrations only)
    other_case_ids: tuple[tuple[str, str], ...] = ()  # C.1.9.1.r (source, id)
    nullification: Nullification | None = None  # C.1.11
    study: Study | None = None  # C.5
    primary_sources: list[PrimarySource] = field(default_factory=lambda: [PrimarySource()])
    sender: Sender = field(default_factory=Sender)
    patient: Patient = field(default_factory=Patient)
    reactions: list[Reaction] = field(default_factory=list)
    drugs: list[Drug] = field(default_factory=list)
    narrative: str = ""  # H.1 (scrubbed)
    reporter_comments: str = ""  # H.2 (scrubbed)
    sender_comments: str = ""  # H.4 (scrubbed)
    fda: FdaRegional | None = None
    message_id: str = ""  # N.2.r.1 override (FDA's samples use a UUID)
    kept: dict[str, Kept] = field(default_factory=dict, repr=False, compare=False)  # retained.py
    # The member's Restricted values (vault). Used only to scrub free text; never emitted.
    restricted_values: tuple[str, ...] = field(default=(), repr=False)

    @property
    def case_id(self) -> str:
        return self.worldwide_case_id or self.safety_report_id

    @property
    def is_serious(self) -> bool:
        return any(r.seriousness for r in self.reactions)
