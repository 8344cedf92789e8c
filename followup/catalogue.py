"""The questions a partner may pick, worded for members. Pure data.

`label` is how the answer is titled in the case narrative; `text` is what the member reads.
Free-text questions are written by partners and checked by a reviewer before a member sees them.
"""

from __future__ import annotations

import hashlib

CATALOGUE: dict[str, dict[str, str]] = {
    "onset_date": {
        "label": "Onset date",
        "text": "When did the problem start? An approximate date is fine.",
    },
    "dose_frequency": {
        "label": "Dose and frequency",
        "text": "What dose of the medicine did you take, and how often?",
    },
    "outcome": {
        "label": "Outcome",
        "text": "How are you now? Has the problem gone, is it getting better, or is it "
        "still there?",
    },
    "dechallenge_rechallenge": {
        "label": "Dechallenge / rechallenge",
        "text": "Did you stop or reduce the medicine, and what happened then? Did you take it "
        "again later, and did the problem come back?",
    },
    "other_medicines": {
        "label": "Other medicines",
        "text": "Were you taking any other medicines, supplements or remedies at the time?",
    },
    "medical_history": {
        "label": "Medical history",
        "text": "Do you have any other health conditions, now or in the past, that might matter?",
    },
    "lab_results": {
        "label": "Laboratory results",
        "text": "Did you have any tests (for example blood tests or scans) because of the "
        "problem? What did they show?",
    },
    "pregnancy": {
        "label": "Pregnancy",
        "text": "Were you pregnant when the problem happened?",
    },
    "hospital_stay": {
        "label": "Hospital stay",
        "text": "Did you have to go to hospital because of the problem? If so, for how long?",
    },
}
CATALOGUE_KEYS = tuple(CATALOGUE)
FREE = "free"
FREE_LABEL = "Further question"


def normalise(text: str) -> str:
    return " ".join(text.split()).strip()


def free_question_id(text: str) -> str:
    """Stable id for a free-text question: the same wording from two partners is one question."""
    digest = hashlib.sha256(normalise(text).lower().encode()).hexdigest()[:10]
    return f"{FREE}-{digest}"


def member_questions(asked: list[dict]) -> list[dict]:
    """A request's stored questions ({"key"} or {"key": "free", "text"}) as the member sees
    them: [{"id", "label", "text"}], catalogue order first, duplicates dropped."""
    out: dict[str, dict] = {}
    for key in CATALOGUE_KEYS:
        if any(q["key"] == key for q in asked):
            out[key] = {"id": key, "label": CATALOGUE[key]["label"], "text": CATALOGUE[key]["text"]}
    for q in asked:
        if q["key"] == FREE:
            qid = free_question_id(q["text"])
            out.setdefault(qid, {"id": qid, "label": FREE_LABEL, "text": normalise(q["text"])})
    return list(out.values())


def merge_questions(current: list[dict], more: list[dict]) -> list[dict]:
    """Member-facing question lists merged: existing order kept, new ids appended."""
    seen = {q["id"] for q in current}
    return [*current, *(q for q in more if q["id"] not in seen)]
