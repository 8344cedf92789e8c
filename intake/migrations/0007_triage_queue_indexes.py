"""Indexes for the queue's filters and counts at 100,000 items (issue 21).

- `triage_open_counts`: the counts above the queue (open, serious, needs info, mine) are read
  from this narrow partial index alone (an index-only scan), not from the table's wide rows.
- `triage_open_item_at`: a date filter's (capped) count reads the open items of those dates.
- Trigram indexes, in PostgreSQL only, on the copied drug and event columns (0005) and on the
  seriousness list. A filter is `UPPER(column) LIKE '%words%'`: when the words are common,
  PostgreSQL walks the queue's order index and finds a page at once; when they are rare or
  match nothing (or one seriousness criterion is asked for), only a trigram index saves reading
  every item. pg_trgm is a trusted extension (a database owner may create it). SQLite has
  neither GIN nor pg_trgm: there these operations do nothing and the filters scan. They are
  kept out of the model state on purpose: a model's Meta cannot hold an index that exists in
  one database only.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

TRIGRAM = {
    "triage_drug_words_trgm": 'UPPER("drug_words")',
    "triage_drug_codes_trgm": 'UPPER("drug_codes")',
    "triage_event_words_trgm": 'UPPER("event_words")',
    "triage_event_codes_trgm": 'UPPER("event_codes")',
    # The seriousness filter is `UPPER("seriousness"::text) LIKE '%"DEATH"%'` (JSON icontains).
    "triage_seriousness_trgm": 'UPPER(("seriousness")::text)',
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, expression in TRIGRAM.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "intake_triageitem" '
            f"USING gin ({expression} gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):

    dependencies = [
        ("intake", "0006_triage_filter_terms"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="triageitem",
            index=models.Index(
                fields=["status", "is_serious", "claimed_by"],
                condition=models.Q(status__in=["pending", "needs_info"]),
                name="triage_open_counts",
            ),
        ),
        migrations.AddIndex(
            model_name="triageitem",
            index=models.Index(
                fields=["item_at"],
                condition=models.Q(status__in=["pending", "needs_info"]),
                name="triage_open_item_at",
            ),
        ),
        TrigramExtension(),  # does nothing outside PostgreSQL
        migrations.RunPython(create, drop),
    ]
