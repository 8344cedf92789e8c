"""Report-level facts: pv's cases, screened mentions and FAERS rows as (report, drug, event).

The SQL counting groups over `SignalFact`. Cases and mentions keep drugs as JSON ingredient
lists, which PostgreSQL and SQLite expand differently, so a run flattens them once into
staging facts (three streamed queries, bulk insert) and counts those in the database. FAERS
rows are flattened at import and stay with their dataset.

Keys: drug ingredient = lower-case ingredient name (as `Product.ingredients`); drug product =
the pv Product id (so two sponsors' same-named products never mix); events by term name at
PT, HLT and SOC. Coding's event hierarchy (`coding.nlp.default_events()`) supplies the HLT and
SOC of PTs whose row lacks them (case reactions, FAERS PT names it knows).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, datetime

import pandas as pd

from coding.nlp.dictionaries import default_drugs, default_events
from intake.models import MentionPair
from pv.models import Case, CaseDrug, CaseReaction, Product
from signals.models import ExternalDataset, SignalFact, SignalRun

BATCH = 5000
FACT_FIELDS = (
    "report_key",
    "period",
    "drug_ingredient",
    "drug_product",
    "event_pt",
    "event_hlt",
    "event_soc",
    "sex",
    "age_group",
)
_AGE_YEARS = {"a": 1.0, "mo": 1 / 12, "wk": 7 / 365.25, "d": 1 / 365.25}


def quarter_label(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return f"{value.year}Q{(value.month - 1) // 3 + 1}"


def age_group(years: float | None) -> str:
    """The FAERS reader's bands, so strata line up across sources."""
    if years is None:
        return "UNK"
    if years < 18:
        return "0-17"
    if years < 45:
        return "18-44"
    if years < 65:
        return "45-64"
    return "65+"


@functools.cache
def event_path(pt_text: str) -> tuple[str, str]:
    """(HLT, SOC) names for a PT name through coding's default hierarchy, ("", "") if unknown."""
    events = default_events()
    hit = events.llts.get(pt_text.strip().lower())
    if not hit:
        return "", ""
    coded = events.code(hit[0])
    return coded["hlt"], coded["soc"]


@functools.cache
def _pt_code_path(pt_code: str) -> tuple[str, str]:
    events = default_events()
    if pt_code not in events.names:
        return "", ""
    coded = events.code(pt_code)
    return coded["hlt"], coded["soc"]


@functools.cache
def normalise_drug(text: str) -> tuple[str, ...]:
    """Ingredient names (lower case) for a FAERS drug text: combinations split on '\\', brand
    and salt names resolved through coding's drug dictionary, else the text itself."""
    drugs = default_drugs()
    out: list[str] = []
    for part in text.split("\\"):
        norm = " ".join(part.strip().lower().split())
        if not norm:
            continue
        concepts = drugs.lookup(norm)
        names = []
        for concept in concepts[:1]:
            codes = concept.get("ingredients") or [concept["code"]]
            names = [
                drugs.concepts[c]["name"].lower()
                if c in drugs.concepts
                else concept["name"].lower()
                for c in codes
            ]
        out.extend(names or [norm])
    return tuple(dict.fromkeys(out))


def _product_index() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(product id -> ingredients, lower-case product name -> product ids)."""
    ingredients: dict[str, list[str]] = {}
    by_name: dict[str, list[str]] = defaultdict(list)
    for pid, name, ings in Product.objects.values_list("id", "name", "ingredients"):
        ingredients[str(pid)] = [str(i).strip().lower() for i in ings or []]
        by_name[name.strip().lower()].append(str(pid))
    return ingredients, by_name


def _expand(
    report_key: str,
    period: str,
    drugs: Iterable[tuple[list[str], list[str]]],
    events: Iterable[tuple[str, str, str]],
    sex: str,
    age: str,
    country: str = "",
) -> Iterator[dict]:
    """Every (ingredient or product) x event row; an ingredient row carries no product and a
    product row no ingredient, so each level counts its own rows only."""
    events = list(events)
    for ingredients, products in drugs:
        for pt, hlt, soc in events:
            for ing in ingredients:
                yield {
                    "report_key": report_key,
                    "period": period,
                    "drug_ingredient": ing,
                    "drug_product": "",
                    "event_pt": pt,
                    "event_hlt": hlt,
                    "event_soc": soc,
                    "sex": sex,
                    "age_group": age,
                    "country": country,
                }
            for pid in products:
                yield {
                    "report_key": report_key,
                    "period": period,
                    "drug_ingredient": "",
                    "drug_product": pid,
                    "event_pt": pt,
                    "event_hlt": hlt,
                    "event_soc": soc,
                    "sex": sex,
                    "age_group": age,
                    "country": country,
                }


def _save(run: SignalRun, rows: Iterable[dict]) -> int:
    batch: list[SignalFact] = []
    total = 0
    for row in rows:
        batch.append(SignalFact(run=run, **row))
        if len(batch) >= BATCH:
            SignalFact.objects.bulk_create(batch)
            total += len(batch)
            batch = []
    if batch:
        SignalFact.objects.bulk_create(batch)
        total += len(batch)
    return total


def facts_from_cases(*, run: SignalRun) -> int:
    """Latest versions of non-nullified cases: suspect/interacting drugs x coded reactions.

    The report is the case (worldwide case id), its quarter the one it was first received in.
    """
    cases = Case.objects.filter(is_latest=True).exclude(status=Case.Status.NULLIFIED)
    product_ings, product_by_name = _product_index()
    drugs: dict = defaultdict(list)
    for case_id, ings, product_id, name in (
        CaseDrug.objects.filter(case__in=cases, role__in=["suspect", "interacting"])
        .values_list("case_id", "ingredients", "product_id", "name_reported")
        .order_by()
        .iterator(chunk_size=BATCH)
    ):
        products = (
            [str(product_id)] if product_id else product_by_name.get(name.strip().lower(), [])
        )
        names = [str(i.get("name", "")).strip().lower() for i in ings or [] if isinstance(i, dict)]
        names = [n for n in names if n]
        if not names:  # uncoded drug: the ingredients of the product it names, if any
            names = [i for pid in products for i in product_ings.get(pid, [])]
        drugs[case_id].append((list(dict.fromkeys(names)), products))
    events: dict = defaultdict(list)
    for case_id, pt, pt_code, soc in (
        CaseReaction.objects.filter(case__in=cases)
        .exclude(pt="")
        .values_list("case_id", "pt", "pt_code", "soc")
        .order_by()
        .iterator(chunk_size=BATCH)
    ):
        hlt, path_soc = _pt_code_path(pt_code) if pt_code else event_path(pt)
        events[case_id].append((pt, hlt, soc or path_soc))

    def rows() -> Iterator[dict]:
        for case_id, wwid, received, sex, age, unit, country in (
            cases.filter(id__in=list(drugs.keys() & events.keys()))
            .values_list(
                "id",
                "worldwide_case_id",
                "received_at",
                "patient_sex",
                "patient_age",
                "patient_age_unit",
                "reporter_country",
            )
            .order_by()
            .iterator(chunk_size=BATCH)
        ):
            years = float(age) * _AGE_YEARS.get(unit, 1.0) if age is not None else None
            yield from _expand(
                wwid,
                quarter_label(received),
                drugs[case_id],
                events[case_id],
                {"M": "M", "F": "F"}.get(sex, "UNK"),
                age_group(years),
                (country or "").upper()[:2],
            )

    return _save(run, rows())


def facts_from_mentions(*, run: SignalRun) -> int:
    """Social listening: the drug-reaction pairs the screening pipeline linked in the current
    screening of each post or report, where the reaction is reportable (not negated,
    hypothetical, historical, family or an indication) and both sides are coded. The report is
    the post or AE report; its quarter the posting / submission date."""
    product_ings, product_by_name = _product_index()
    pairs = (
        MentionPair.objects.filter(result__is_current=True, event__reportable=True)
        .exclude(event__pt="")
        .values_list(
            "result__post_id",
            "result__report_id",
            "result__post__posted_at",
            "result__report__submitted_at",
            "result__post__member__sex",
            "result__report__member__sex",
            "result__post__member__birth_year",
            "result__report__member__birth_year",
            "result__post__member__country",
            "result__report__member__country",
            "drug__code",
            "drug__term",
            "drug__text",
            "drug__details",
            "event__pt",
            "event__hlt",
            "event__soc",
        )
        .order_by()
    )

    def rows() -> Iterator[dict]:
        for (
            post_id,
            report_id,
            posted,
            submitted,
            psex,
            rsex,
            pyear,
            ryear,
            pcountry,
            rcountry,
            code,
            term,
            text,
            details,
            pt,
            hlt,
            soc,
        ) in pairs.iterator(chunk_size=BATCH):
            when = posted or submitted
            key = f"post:{post_id}" if post_id else f"report:{report_id}"
            listed = (details or {}).get("ingredients") or (
                [{"code": code, "term": term}] if code else []
            )
            names = [str(i.get("term", "")).strip().lower() for i in listed if isinstance(i, dict)]
            products = product_by_name.get((term or "").strip().lower(), []) or (
                product_by_name.get(text.strip().lower(), [])
            )
            if not any(names):
                names = [i for pid in products for i in product_ings.get(pid, [])]
            year = pyear or ryear
            yield from _expand(
                key,
                quarter_label(when),
                [([n for n in names if n], products)],
                [(pt, hlt, soc)],
                {"M": "M", "F": "F"}.get(psex or rsex, "UNK"),
                age_group(when.year - year if year and when else None),
                (pcountry or rcountry or "").upper()[:2],
            )

    return _save(run, rows())


def _flag(value) -> bool | None:
    return None if pd.isna(value) else bool(value)


def facts_from_faers(*, dataset: ExternalDataset, rows: pd.DataFrame) -> int:
    """FAERS reader rows -> dataset facts: drugs normalised to ingredients (vectorised over the
    distinct names), PT names kept as FAERS spells them, HLT/SOC where coding knows the PT, and
    the reader's priority attributes (country, serious, completeness, dechallenge)."""
    if rows.empty:
        return 0
    names = pd.Series(rows["drug"].unique())
    ing = pd.DataFrame(
        {"drug": names, "ingredient": names.map(lambda t: list(normalise_drug(t)))}
    ).explode("ingredient")
    pts = pd.Series(rows["event"].unique())
    paths = pd.DataFrame({"event": pts, "path": pts.map(event_path)})
    paths["hlt"] = paths["path"].str[0]
    paths["soc"] = paths["path"].str[1]
    table = rows.merge(ing, on="drug").merge(paths[["event", "hlt", "soc"]], on="event")
    table = table.dropna(subset=["ingredient"])
    # Two FAERS names of one ingredient in a report: a positive dechallenge of either counts.
    if table["dechallenge"].notna().any():
        table["dechallenge"] = table.groupby(["id", "ingredient"])["dechallenge"].transform("max")
    table = table.drop_duplicates(["id", "ingredient", "event"])
    total = 0
    for start in range(0, len(table), BATCH):
        chunk = table.iloc[start : start + BATCH]
        SignalFact.objects.bulk_create(
            [
                SignalFact(
                    dataset=dataset,
                    report_key=str(r.id),
                    period=r.quarter,
                    drug_ingredient=r.ingredient[:250],
                    event_pt=r.event[:250],
                    event_hlt=r.hlt,
                    event_soc=r.soc,
                    sex=r.sex,
                    age_group=r.age_group,
                    country=r.country,
                    serious=_flag(r.serious),
                    completeness=None if pd.isna(r.completeness) else float(r.completeness),
                    dechallenge=_flag(r.dechallenge),
                )
                for r in chunk.itertuples(index=False)
            ]
        )
        total += len(chunk)
    return total
