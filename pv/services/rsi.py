"""Keep each product's reference safety information (its list of expected terms).

Writes are audited like case changes: expectedness decisions on cases and listedness in signal
prioritisation depend on this list, so who added or removed a term, and from which document, is
part of the record.
"""

from __future__ import annotations

import csv
import io

from django.db import transaction

from pv.audit import audit_record
from pv.core.exceptions import DomainError
from pv.models import Product, ReferenceTerm
from pv.models.rsi import term_key
from pv.services.privacy import intake_scrubber

CSV_COLUMNS = ("term", "code", "terminology", "source")
MAX_CSV_ROWS = 20_000


def _clean(value: object, *, field: str, limit: int, line: int | None = None) -> str:
    text = " ".join(str(value or "").split())
    where = f"line {line}, " if line else ""
    if len(text) > limit:
        raise DomainError(
            f"{where}{field}: at most {limit} characters.", code="invalid",
            extra={"field": field, **({"line": line} if line else {})},
        )  # fmt: skip
    return text


@transaction.atomic
def reference_term_add(
    *, actor, product: Product, term: str, code: str = "", terminology: str = "", source: str = ""
) -> ReferenceTerm:
    """Add one expected term to `product`'s RSI (or update its code/source if already listed).
    Term and source are minimised like everything stored (a reviewer's typing)."""
    ref, _changed = _add(
        actor=actor, product=product, scrub=intake_scrubber(member=None, actor=actor),
        values={"term": term, "code": code, "terminology": terminology, "source": source},
    )  # fmt: skip
    return ref


def _add(*, actor, product: Product, scrub, values: dict) -> tuple[ReferenceTerm, bool]:
    """The term added or updated, and whether anything changed."""
    term = scrub(_clean(values["term"], field="term", limit=250))
    if not term_key(term):
        raise DomainError("term: required.", code="invalid", extra={"field": "term"})
    values = {
        "term": term,
        "code": _clean(values["code"], field="code", limit=50),
        "terminology": _clean(values["terminology"], field="terminology", limit=100),
        "source": scrub(_clean(values["source"], field="source", limit=200)),
    }
    existing = ReferenceTerm.objects.filter(product=product, term_key=term_key(term)).first()
    if existing is not None:
        before = {k: getattr(existing, k) for k in values}
        if before == values:
            return existing, False
        for k, v in values.items():
            setattr(existing, k, v)
        existing.save()
        audit_record(actor=actor, action="rsi.term_changed", obj=existing, before=before,
                     after=values)  # fmt: skip
        return existing, True
    ref = ReferenceTerm(product=product, added_by=actor if getattr(actor, "pk", None) else None,
                        **values)  # fmt: skip
    ref.save()
    audit_record(actor=actor, action="rsi.term_added", obj=ref,
                 after={"product": str(product.id), **values})  # fmt: skip
    return ref, True


@transaction.atomic
def reference_term_remove(*, actor, reference_term: ReferenceTerm, reason: str) -> None:
    """Take one term off its product's RSI. A reason is required (it is the audit record of why
    a reaction stopped being expected); the API and the pages both get this refusal."""
    if not (reason or "").strip():
        raise DomainError(f"Removing “{reference_term.term}”: give a reason.", code="invalid",
                          extra={"field": "reason"})  # fmt: skip
    before = {"product": str(reference_term.product_id), "term": reference_term.term,
              "code": reference_term.code, "source": reference_term.source}  # fmt: skip
    audit_record(actor=actor, action="rsi.term_removed", obj=reference_term, before=before,
                 reason=intake_scrubber(member=None, actor=actor)(reason))  # fmt: skip
    reference_term.delete()


@transaction.atomic
def reference_terms_import_csv(
    *, actor, product: Product, text: str, replace: bool = False
) -> dict[str, int]:
    """Import a CSV with a header row naming `term` (required) and optionally `code`,
    `terminology`, `source`. All or nothing: any bad line refuses the file with its line number.
    `replace` removes the product's terms the file does not list."""
    reader = csv.DictReader(io.StringIO(text))
    header = [(h or "").strip().casefold() for h in (reader.fieldnames or [])]
    if "term" not in header:
        raise DomainError(
            "line 1: the header must name a 'term' column (and may name code, terminology, "
            "source).", code="invalid", extra={"line": 1},
        )  # fmt: skip
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if unknown:
        raise DomainError(f"line 1: unknown column(s): {', '.join(unknown)}.", code="invalid",
                          extra={"line": 1})  # fmt: skip
    reader.fieldnames = header
    rows: list[tuple[int, dict]] = []
    for row in reader:
        line = reader.line_num
        if len(rows) >= MAX_CSV_ROWS:
            raise DomainError(f"line {line}: at most {MAX_CSV_ROWS} terms per file.",
                              code="invalid", extra={"line": line})  # fmt: skip
        if None in row:
            raise DomainError(f"line {line}: more fields than the header names.",
                              code="invalid", extra={"line": line})  # fmt: skip
        values = {k: _clean(row.get(k), field=k, line=line, limit=250 if k == "term" else 200)
                  for k in CSV_COLUMNS}  # fmt: skip
        if not any(values.values()):
            continue  # a blank line
        if not term_key(values["term"]):
            raise DomainError(f"line {line}: term is empty.", code="invalid",
                              extra={"line": line, "field": "term"})  # fmt: skip
        values["code"] = _clean(values["code"], field="code", line=line, limit=50)
        values["terminology"] = _clean(values["terminology"], field="terminology", line=line,
                                       limit=100)  # fmt: skip
        rows.append((line, values))
    counts = {"added_or_updated": 0, "unchanged": 0, "removed": 0}
    keys = set()
    scrub = intake_scrubber(member=None, actor=actor)
    for _line, values in rows:
        ref, changed = _add(actor=actor, product=product, scrub=scrub, values=values)
        keys.add(ref.term_key)
        counts["added_or_updated" if changed else "unchanged"] += 1
    if replace:
        for ref in ReferenceTerm.objects.filter(product=product).exclude(term_key__in=keys):
            reference_term_remove(actor=actor, reference_term=ref, reason="not in imported CSV")
            counts["removed"] += 1
    return counts


MAX_CSV_BYTES = 2 * 1024 * 1024


def reference_terms_csv_text(raw: bytes) -> str:
    """An uploaded RSI CSV as text: UTF-8 (a byte-order mark allowed, as spreadsheet programs
    write it), at most 2 MB; otherwise a DomainError naming the line that is not UTF-8."""
    if len(raw) > MAX_CSV_BYTES:
        raise DomainError("The CSV file is larger than 2 MB.", code="invalid")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DomainError(f"line {line}: not UTF-8 text (save the file as CSV UTF-8).",
                          code="invalid", extra={"line": line}) from None  # fmt: skip
