"""Case version (Django rows) -> CaseSnapshot (plain data the pure E2B core builds from)."""

from __future__ import annotations

from django.conf import settings

from pv.models import Case, Partner
from pv.services.privacy import partner_output
from pv.vault import vault_restricted_values
from submissions.e2b import (
    BatchHeader,
    CaseSnapshot,
    Code,
    Dosage,
    Drug,
    FdaRegional,
    Indication,
    Ingredient,
    Nullification,
    Patient,
    PrimarySource,
    Quantity,
    Reaction,
    Relatedness,
    Sender,
)
from submissions.e2b.constants import MEDDRA_OID
from submissions.received import received_snapshot

DRUG_ROLES = {"suspect": "1", "concomitant": "2", "interacting": "3"}
SEX = {"M": "1", "F": "2"}
# Open terminologies have no MedDRA OID: pv labels them with their own system so that a receiver
# never mistakes them for MedDRA (and MedDRA-only receivers reject them visibly).
TERMINOLOGY_OIDS = {"MedDRA": MEDDRA_OID}


def terminology_oid(name: str) -> str:
    return TERMINOLOGY_OIDS.get(name, settings.PV_OPEN_TERMINOLOGY_OID)


def _code(code: str, terminology: str, version: str, display: str) -> Code | None:
    if not code:
        return None
    return Code(code=code, system=terminology_oid(terminology), version=version, display=display)


def case_to_snapshot(*, case: Case, kind: str = "initial", actor="system") -> CaseSnapshot:
    serious = frozenset(case.seriousness_criteria)
    rows = list(case.reactions.all())
    flags = {r.id: frozenset(f for f in Case.SERIOUSNESS_FIELDS if getattr(r, f)) for r in rows}
    # E.i.3.2 is per reaction. When a reviewer has set it per reaction (any reaction has a
    # criterion), a reaction without one is non-serious; only a case whose reactions carry none
    # (criteria given for the case as a whole) lends them to every reaction.
    per_reaction = any(flags.values())
    reactions = []
    for r in rows:
        reactions.append(
            Reaction(
                reported_term=r.reported_term,
                term=_code(
                    r.code or r.pt_code, r.terminology, r.terminology_version, r.term or r.pt
                ),
                onset=r.onset_date,
                duration=None,
                seriousness=flags[r.id] if per_reaction else serious,
                outcome=r.outcome or "0",
                country=case.reporter_country,
                id=str(r.id),
            )
        )
    drugs = []
    for d in case.drugs.all():
        ingredients = [
            # G.k.2.3.r.2 wants a substance TermID from a known code system; pv's open drug
            # dictionary (DrugBank ids) has none, so the ingredient goes by name only.
            Ingredient(name=i.get("name", ""))
            for i in d.ingredients
            if i.get("name")
        ]
        dosage = Dosage(
            dose=Quantity(d.dose_value, d.dose_unit or "1") if d.dose_value is not None else None,
            start=d.start_date,
            end=d.stop_date,
            text=d.dose_text,
            route_text=d.route,
        )
        drugs.append(
            Drug(
                name=d.name_reported,
                role=DRUG_ROLES.get(d.role, "1"),
                ingredients=ingredients,
                dosages=[dosage]
                if (
                    d.dose_text
                    or d.start_date
                    or d.stop_date
                    or d.route
                    or d.dose_value is not None
                )
                else [],
                indications=[Indication(text=d.indication_reported)]
                if d.indication_reported
                else [],
                action_taken=d.action_taken,
                # The member reported these events as reactions to their suspect drugs: the
                # primary source's own assessment (G.k.9.i.2.r), not the sender's.
                relatedness=(
                    [
                        Relatedness(
                            reaction_id=r.id,
                            result="related",
                            source="primary source reporter",
                            method="global introspection",
                        )
                        for r in reactions
                    ]
                    if d.role == "suspect" and case.member_id
                    else []
                )
                # The sender's reviewer's causality (WHO-UMC) per pair, beside the member's.
                + [
                    Relatedness(
                        reaction_id=reactions[a["reaction"] - 1].id,
                        result=a["result"],
                        source="sender",
                        method="WHO-UMC",
                    )
                    for a in case.assessments
                    if a.get("drug") == d.position and 1 <= a.get("reaction", 0) <= len(reactions)
                ],
                id=str(d.id),
            )
        )
    patient = Patient(
        age=Quantity(case.patient_age, case.patient_age_unit or "a")
        if case.patient_age is not None
        else None,
        age_group=case.patient_age_group,
        weight_kg=case.patient_weight_kg,
        sex=SEX.get(case.patient_sex, "UNK"),
        medical_history_text="; ".join(str(h) for h in case.medical_history),
    )
    nullification = None
    if case.status == Case.Status.NULLIFIED:
        nullification = Nullification("1", case.amendment_reason or "nullified")
    elif kind == "amendment":
        nullification = Nullification("2", case.amendment_reason)
    restricted = (
        tuple(vault_restricted_values(member=case.member, actor=actor)) if case.member_id else ()
    )
    snapshot = CaseSnapshot(
        safety_report_id=case.sender_report_id,
        worldwide_case_id=case.worldwide_case_id,
        report_type=case.report_type,
        first_received=case.received_at.replace(microsecond=0),
        # Full timestamps: two versions on the same day still show C.1.5 moving forward.
        most_recent=case.latest_info_at.replace(microsecond=0),
        expedited=case.is_serious,
        nullification=nullification,
        primary_sources=[
            PrimarySource(qualification=case.reporter_qualification, country=case.reporter_country)
        ],
        sender=Sender(
            type="6",
            organisation=settings.PV_SENDER_ORGANISATION,
            country=settings.PV_SENDER_COUNTRY,
            **settings.PV_SENDER_CONTACT,
        ),
        patient=patient,
        reactions=reactions,
        drugs=drugs,
        narrative=case.narrative,
        reporter_comments=case.reporter_comments,
        sender_comments=case.sender_comments,
        restricted_values=restricted,
    )
    if case.e2b_document:  # an imported ICSR: send back what it received, plus changes
        snapshot = received_snapshot(case=case, pv_view=snapshot)
    # The one partner-output path: every string not declared safe (E2B_SAFE) is scrubbed here,
    # whatever the builder itself cleans.
    return partner_output(
        snapshot,
        safe=E2B_SAFE,
        member=case.member if case.member_id else None,
        actor=actor,
    )


# Snapshot paths that hold codes, ids, dates, enums, or the platform's own sender identity.
E2B_SAFE = frozenset(
    {
        "safety_report_id",
        "worldwide_case_id",
        "first_sender",
        "created_at",
        "report_type",
        "first_received",
        "most_recent",
        "expedited",
        "other_case_ids",
        "nullification.code",
        "primary_sources",
        "sender",
        "patient.initials",
        "patient.birth_date",
        "patient.age",
        "patient.age_group",
        "patient.weight_kg",
        "patient.height_cm",
        "patient.sex",
        "patient.medical_history.term",
        "patient.medical_history.start",
        "patient.medical_history.end",
        "patient.past_drugs.start",
        "patient.past_drugs.end",
        "patient.past_drugs.indication",
        "patient.past_drugs.reaction",
        "reactions.reported_language",
        "reactions.term",
        "reactions.onset",
        "reactions.end",
        "reactions.duration",
        "reactions.seriousness",
        "reactions.outcome",
        "reactions.country",
        "reactions.id",
        "drugs.role",
        "drugs.product_code",
        "drugs.ingredients.code",
        "drugs.ingredients.strength",
        "drugs.authorisation_number",
        "drugs.authorisation_country",
        "drugs.dosages.dose",
        "drugs.dosages.interval",
        "drugs.dosages.start",
        "drugs.dosages.end",
        "drugs.dosages.duration",
        "drugs.dosages.dose_form",
        "drugs.dosages.route",
        "drugs.indications.term",
        "drugs.action_taken",
        "drugs.relatedness",
        "drugs.id",
        "fda",
        "message_id",
        "restricted_values",
        # Lossless cases (submissions.e2b.retained / study / death): codes, ids and dates of
        # the typed sections; the kept element trees of an imported ICSR hold codes and OIDs
        # the scrubber must not touch, and their text is scrubbed by the builder on the way out
        # (retained.py), as received text always was.
        "study.registrations",
        "study.sponsor_number",
        "study.type",
        "patient.death.date",
        "patient.death.reported_causes.term",
        "patient.death.autopsy",
        "patient.death.autopsy_causes.term",
        "kept",
        "patient.kept",
        "patient.medical_history.kept",
        "patient.past_drugs.kept",
        "reactions.kept",
        "drugs.kept",
        "drugs.dosages.kept",
    }
)


def header_for(
    *, recipient: Partner, batch_number: str, route: BatchHeader | None = None
) -> BatchHeader:
    """`route`: how an imported case reached pv. Re-sent to the same regulator, it keeps its
    batch and message receivers (FDA pre-market: ZZFDA_PREMKT / CDER_IND ...)."""
    if (
        route is not None
        and recipient.e2b_profile == "fda"
        and route.receiver_id.startswith("ZZFDA")
        and route.message_receiver_id
    ):
        return BatchHeader(
            batch_number=batch_number,
            sender_id=settings.PV_SENDER_ID,
            receiver_id=route.receiver_id,
            message_receiver_id=route.message_receiver_id,
        )
    return BatchHeader(
        batch_number=batch_number,
        sender_id=settings.PV_SENDER_ID,
        receiver_id=recipient.e2b_receiver_id or recipient.name[:60],
        # FDA routes by centre at message level (CDER for drugs).
        message_receiver_id="CDER" if recipient.e2b_profile == "fda" else "",
    )


def regional_for(snapshot: CaseSnapshot, recipient: Partner) -> CaseSnapshot:
    """FDA regional elements for FDA; an imported case carries its own (FDA.C.1.7.1, C.1.12,
    D.11, D.12 as received), which are not recomputed."""
    if recipient.e2b_profile != "fda":
        snapshot.fda = None
    elif snapshot.fda is None:
        snapshot.fda = FdaRegional(local_report_type="1" if snapshot.is_serious else "2")
    return snapshot


__all__ = ["case_to_snapshot", "header_for", "regional_for", "terminology_oid"]
