"""The queue's drug and event filters read columns copied from the mentions (issue 21, speed):
they return what the EXISTS over the mentions returned, and the services keep them in step."""

from __future__ import annotations

import importlib
import uuid

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from intake.models import Mention, ScreeningResult, TriageItem
from intake.queue_terms import SEP, queue_terms
from intake.services.coding import mention_coding_override
from intake.services.screening import items_screen
from intake.services.triage import triage_item_reject, triage_items_sync
from intake.triage_selectors import (
    _mentions_matching,
    _seriousness_matching,
    _terms_matching,
    triage_queue,
)
from tests.factories import MemberFactory, PostFactory

pytestmark = pytest.mark.django_db

LIPITOR = {"kind": "drug", "text": "Lipitor", "term": "Atorvastatin", "code": "DB01076"}
ZOLOFT = {"kind": "drug", "text": "zoloft 50%_mg", "term": "Sertraline", "code": "DB01104"}
INSOMNIA = {
    "kind": "event", "reportable": True, "text": "cant sleep", "term": "Insomnia",
    "code": "10040995", "llt": "Sleeplessness", "pt": "Insomnia", "pt_code": "10022437",
}  # fmt: skip
NAUSEA_NEGATED = {"kind": "event", "reportable": False, "text": "nausea", "term": "Nausea",
                  "code": "HP:0002018", "pt": "Nausea", "pt_code": "HP:0002018"}  # fmt: skip
HEADACHE_UNCODED = {"kind": "event", "reportable": True, "text": "HEADACHE"}
# Seeded items: each a post screened with these mentions (the last one with none).
SEEDED = {
    "statin": [LIPITOR, INSOMNIA],
    "two drugs": [LIPITOR, ZOLOFT, NAUSEA_NEGATED, HEADACHE_UNCODED],
    "ssri": [ZOLOFT, NAUSEA_NEGATED],
    "odd code": [{"kind": "drug", "text": "Übermittel", "term": "", "code": f"AB{SEP}C"},
                 {"kind": "event", "reportable": True, "text": "rash", "pt": "Rash",
                  "pt_code": "X1"}],
    "nothing": [],
}  # fmt: skip
QUERIES = [
    "lipitor", "LIPITOR", "tor", "atorva", "DB01076", "db01076", "DB0107", "DB01104",
    "zoloft", "50%", "_mg", "%", "_", " ", "torzol", "lipitor zoloft", f"lipitor{SEP}zoloft",
    f"r{SEP}", "AB", f"AB{SEP}C", "C", "übermittel", "Ü", "insomnia", "sleepless", "10022437",
    "1002243", "10040995", "nausea", "HP:0002018", "headache", "Head", "rash", "x1", "X", "1",
]  # fmt: skip


def _seed_item(mentions: list[dict], *, version: str = "t1", post=None) -> TriageItem:
    post = post or PostFactory(member=MemberFactory())
    result = ScreeningResult.objects.create(
        post=post, pipeline_version=version, candidate=True, screened_at=timezone.now()
    )
    for i, m in enumerate(mentions):
        Mention.objects.create(result=result, position=i, start=0, end=1, **m)
    triage_items_sync(kind="post", results=[result])
    return TriageItem.objects.get(post=post)


def _in_sync() -> list[str]:
    """Items whose copied columns differ from their screening's mentions."""
    out = []
    for item in TriageItem.objects.all():
        want = queue_terms(item.screening.mentions.order_by("position"))
        if {k: getattr(item, k) for k in want} != want:
            out.append(str(item.id))
    return out


@pytest.fixture
def seeded() -> dict[str, TriageItem]:
    return {name: _seed_item(mentions) for name, mentions in SEEDED.items()}


def test_terms_are_joined_with_the_separator_codes_apart():
    # given a drug, a reportable event and a negated event
    rows = [
        type("M", (), {"reportable": False, "llt": "", **{"pt": "", "pt_code": "", **m}})
        for m in (LIPITOR, INSOMNIA, NAUSEA_NEGATED)
    ]
    # when
    terms = queue_terms(rows)
    # then: words and codes in their own columns; the negated event is not searchable
    assert terms["drug_words"] == f"{SEP}Lipitor{SEP}Atorvastatin{SEP}"
    assert terms["drug_codes"] == f"{SEP}DB01076{SEP}"
    assert (
        terms["event_words"] == f"{SEP}cant sleep{SEP}Insomnia{SEP}Insomnia{SEP}Sleeplessness{SEP}"
    )
    assert terms["event_codes"] == f"{SEP}10040995{SEP}10022437{SEP}"
    assert queue_terms([]) == dict.fromkeys(terms, "")


@pytest.mark.parametrize("kind", ["drug", "event"])
def test_filters_return_what_the_mentions_returned(seeded, kind):
    # given items with drugs and events coded, uncoded, negated, with wildcards and a separator
    names = {item.id: name for name, item in seeded.items()}
    matched = 0
    for query in QUERIES:
        # when the queue is filtered (every status) and the mentions are asked as before
        after = {names[i.id] for i in triage_queue(status="all", **{kind: query})}
        before = {
            names[i]
            for i in TriageItem.objects.filter(_mentions_matching(kind, query)).values_list(
                "id", flat=True
            )
        }
        # then the same items
        assert after == before, (kind, query)
        matched += bool(after)
    assert matched >= 10  # the comparison is not of empty sets


def test_filters_match_words_and_whole_codes(seeded):
    def found(**filters):
        return {n for n, item in seeded.items() if triage_queue(**filters).filter(id=item.id)}

    assert found(drug="atorva") == {"statin", "two drugs"}
    assert found(drug="db01104") == {"two drugs", "ssri"}
    assert found(drug="DB0110") == set()  # a code matches whole, not in part
    assert found(drug="torzol") == set()  # not across two drugs
    assert found(drug="AB") == set() and found(drug=f"AB{SEP}C") == {"odd code"}
    assert found(event="sleepless") == {"statin"}
    assert found(event="1002243") == set() and found(event="10022437") == {"statin"}
    assert found(event="nausea") == set()  # negated: not a reaction
    assert found(event="headache", drug="zoloft") == {"two drugs"}


def test_filtered_queue_reads_no_mentions(seeded, django_assert_num_queries):
    # when a page of the filtered queue is read
    with django_assert_num_queries(1) as captured:
        list(triage_queue(drug="lipitor", event="insomnia").values_list("id", flat=True))
    # then one query on the item's own columns
    sql = captured.captured_queries[0]["sql"]
    assert "intake_mention" not in sql and "EXISTS" not in sql.upper()


def test_screening_fills_the_columns_and_a_rescreen_refreshes_open_items(reviewer):
    # given two posts screened by the pipeline
    member = MemberFactory()
    posts = [
        PostFactory(member=member, text="lipitor gave me muscle pain"),
        PostFactory(member=member, text="zoloft gave me a seizure"),
    ]
    items_screen(kind="post", ids=[p.id for p in posts])
    plain, other = (TriageItem.objects.get(post=p) for p in posts)
    assert "lipitor" in plain.drug_words and plain.event_words
    assert not _in_sync()
    # when one is decided and both are screened again by a newer pipeline
    triage_item_reject(actor=reviewer, item=other, reason="not a case")
    _seed_rescreen(plain, [ZOLOFT, HEADACHE_UNCODED])
    _seed_rescreen(other, [LIPITOR])
    # then the open item filters by its new mentions; the decided one keeps its screening's
    assert {i.id for i in triage_queue(drug="sertraline")} == {plain.id}
    assert not triage_queue(drug="lipitor", status="all").filter(id=plain.id).exists()
    assert triage_queue(drug="zoloft", status="all").filter(id=other.id).exists()
    assert not _in_sync()


def _seed_rescreen(item: TriageItem, mentions: list[dict]) -> None:
    ScreeningResult.objects.filter(post=item.post).update(is_current=False)
    _seed_item(mentions, version=f"t-{uuid.uuid4().hex[:6]}", post=item.post)


def test_recoding_a_mention_moves_the_item_between_filters(seeded, reviewer):
    # given the statin item found by its event's term
    item = seeded["statin"]
    mention = item.screening.mentions.get(kind="event")
    assert triage_queue(event="insomnia").filter(id=item.id).exists()
    # when the reviewer recodes the event to headache (HPO) through the coding service
    mention_coding_override(actor=reviewer, mention=mention, code="HP:0002315")
    # then the item is found as a headache, no longer as insomnia, and both ways agree
    assert triage_queue(event="headache").filter(id=item.id).exists()
    assert triage_queue(event="HP:0002315").filter(id=item.id).exists()
    assert not triage_queue(event="insomnia").filter(id=item.id).exists()
    assert not _in_sync()
    for query in ("headache", "insomnia", "HP:0002315", "10022437"):
        after = set(triage_queue(status="all", event=query).values_list("id", flat=True))
        before = set(
            TriageItem.objects.filter(_mentions_matching("event", query)).values_list(
                "id", flat=True
            )
        )
        assert after == before, query


def test_the_migration_fills_items_made_before_it(seeded):
    # given items whose columns are empty, as every item was before the migration
    TriageItem.objects.update(drug_words="", drug_codes="", event_words="", event_codes="")
    assert len(_in_sync()) == 4  # "nothing" has no mentions: empty is right for it
    # when the migration's backfill runs
    migration = importlib.import_module("intake.migrations.0006_triage_filter_terms")
    migration.backfill(apps, None)
    # then every item is in step with its screening
    assert not _in_sync()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's indexes")
def test_postgresql_can_answer_filters_and_counts_from_indexes(seeded, reviewer):
    # given the planner told to avoid reading the whole table where an index can serve
    from web.selectors import queue_counts  # noqa: PLC0415

    def plan(qs=None, sql="", params=()) -> str:
        if qs is not None:
            sql, params = qs.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())

    # when / then: each filter's SQL matches its trigram index's expression
    # (the selector's own conditions, without the status one a partial index serves first)
    for condition, index in [
        (_terms_matching("drug", "warfarin"), "triage_drug_words_trgm"),
        (_terms_matching("drug", "warfarin"), "triage_drug_codes_trgm"),
        (_terms_matching("event", "rash"), "triage_event_words_trgm"),
        (_terms_matching("event", "rash"), "triage_event_codes_trgm"),
        (_seriousness_matching("death"), "triage_seriousness_trgm"),
    ]:
        assert index in plan(TriageItem.objects.filter(condition).values("id")), index
    # and the counts above the queue read only the narrow partial index
    with CaptureQueriesContext(connection) as captured:
        assert queue_counts(user=reviewer)["open"] == len(seeded)
    query = captured.captured_queries[0]["sql"]
    with connection.cursor() as cursor:  # (a bitmap scan would hide what the index covers)
        cursor.execute("SET LOCAL enable_bitmapscan = off")
    assert "Index Only Scan using triage_open_counts" in plan(sql=query)


def test_filtered_queue_page_has_constant_queries_and_reads_mentions_once(reviewer):
    # given a filtered page over three matching items, then over thirty (two pages)
    from django.test import Client  # noqa: PLC0415

    client = Client()
    client.force_login(reviewer)
    url = "/queue/?drug=atorvastatin&event=sleepless&seriousness=non_serious"
    for _ in range(3):
        _seed_item([LIPITOR, INSOMNIA])
    with CaptureQueriesContext(connection) as small:
        assert len(client.get(url).context["items"]) == 3
    for _ in range(27):
        _seed_item([LIPITOR, INSOMNIA])
    # when
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    # then at most 8 queries (the small page one fewer: its ids are its count), and only the
    # prefetch of the rows' chips reads mentions
    assert len(response.context["items"]) == 25 and response.context["page"].has_next()
    assert response.context["page"].paginator.count == 30
    assert len(large.captured_queries) == len(small.captured_queries) + 1 <= 8
    reads = [q["sql"] for q in large.captured_queries if "intake_mention" in q["sql"]]
    assert len(reads) == 1 and reads[0].startswith('SELECT "intake_mention"')
    assert len(client.get(url + "&page=2").context["items"]) == 5
