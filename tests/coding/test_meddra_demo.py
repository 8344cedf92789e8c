"""The demo with a (test) MedDRA release loaded, exported for the FDA-like regulator and validated
(issue 17, part 6): what a user does.

The realistic order for the demo is "seed, then load": `pv demo` seeds itself on its first run, in
the open terminology (no licence is needed to try pv); a MedDRA licensee then runs
`pv dictionaries load --format meddra DIR`, which makes the release active and recodes every case
(the upgrade / recode path). Until then, every pv-screened case routed to the regulator is held:
its reactions are coded in the open terminology, which the regulator does not accept. After the
load, every submission built for the regulator validates against the fda profile with zero
errors, every one still held is held for the reason it states (a reaction the release could not
carry over, or one screening left uncoded), and coding that reaction from the case page releases
it, after which it validates too.

The release is synthetic (fake codes in MedDRA's ASCII layout, tests/coding/meddra_release.py),
built from the open terms the demo's cases carry, less one: the reaction the release cannot carry
is one a reviewer must code by hand, so the hold-and-release path is always exercised, whatever
the screening lexicon codes by then.
"""

from __future__ import annotations

from io import StringIO
from unittest.mock import patch

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase, override_settings

from coding.models import Dictionary
from coding.nlp import default_events
from demo.community import generate_community
from demo.services import demo_seed
from pv.models import CaseReaction, Partner, User
from submissions.cli import validate_main
from submissions.e2b import errors, validate
from submissions.models import Submission
from tests.coding.meddra_release import write_release
from tests.web.conftest import login

pytestmark = pytest.mark.django_db
S = Submission.Status
BUILT = (S.VALIDATED, S.SENDING, S.SENT, S.ACKNOWLEDGED)


def _fda_submissions():
    regulator = Partner.objects.get(kind="regulator", e2b_profile="fda")
    return Submission.objects.filter(recipient=regulator).select_related("case", "recipient")


def _release_terms(withheld: str) -> list[dict]:
    """One test PT per open PT the demo's latest cases carry (PT name = the open PT's name, so
    the first load maps them by their words), except `withheld`."""
    names = set(
        CaseReaction.objects.filter(case__is_latest=True, terminology=_open_name())
        .exclude(pt="")
        .values_list("pt", flat=True)
    )
    names.discard(withheld)
    return [{"pt": (f"7003{n:04d}", name), "llts": []} for n, name in enumerate(sorted(names), 1)]


def _open_name() -> str:
    return default_events().meta["name"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo seeded once per module (inside a transaction rolled back at the end; each test is
    a savepoint inside it), then the test release loaded the way a user loads it."""
    var = tmp_path_factory.mktemp("demo-var")
    with (
        override_settings(
            VAR_DIR=var,
            PV_DICTIONARY_DIR=str(var / "dictionaries"),
            PV_AUDIT_ANCHOR_PATH=str(var / "anchors.jsonl"),
        ),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        # The demo as `pv demo` seeds it, less the signal runs (slow, and not on this path).
        with (
            patch("demo.services.signals_demo_seed"),
            TestCase.captureOnCommitCallbacks(execute=True),
        ):
            demo_seed(community=generate_community())
        before = {s.id: (s.status, list(s.held_reasons)) for s in _fda_submissions()}
        # the open term of the first held pv case is the one the release will not carry
        withheld = (
            CaseReaction.objects.filter(
                case__submissions__in=_fda_submissions().filter(status=S.HELD)
            )
            .exclude(pt="")
            .order_by("case__created_at", "position")
            .values_list("pt", flat=True)
            .first()
        )
        assert withheld, "the demo routes no open-coded case to the regulator"
        folder = write_release(var / "release", version="98.0", terms=_release_terms(withheld))
        out = StringIO()
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command(
                "dictionaries", "load", "--kind", "event", "--format", "meddra", str(folder),
                stdout=out,
            )  # fmt: skip
        yield {"before": before, "withheld": withheld, "load_output": out.getvalue(), "var": var}
        transaction.set_rollback(True)


def _validate_files(paths: list, *, initial: bool, capsys) -> tuple[int, str]:
    flag = "--initial" if initial else "--follow-up"
    status = validate_main([*map(str, paths), "--profile", "fda", flag])
    return status, capsys.readouterr().out


def _export(submissions, folder) -> dict[bool, list]:
    """Write each submission's XML (what pv sends) to a file, grouped by initial / follow-up."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[bool, list] = {True: [], False: []}
    for s in submissions:
        path = folder / f"{s.message_id}.xml"
        path.write_bytes(bytes(s.xml))
        files[s.kind == Submission.Kind.INITIAL].append(path)
    return files


def test_before_the_release_pv_cases_for_the_regulator_are_held_not_failed(demo):
    before = demo["before"]
    statuses = [status for status, _ in before.values()]
    # the regulator gets pv-screened cases (open terminology: held) and imported MedDRA ones
    assert statuses.count(S.HELD) >= 3 and any(s in BUILT for s in statuses)
    assert S.FAILED not in statuses  # nothing reached the validator uncodable
    for status, reasons in before.values():
        if status == S.HELD:
            assert reasons and all(r["message"].startswith("needs coding: reaction ")
                                   for r in reasons)  # fmt: skip


def test_the_load_recoded_and_released_the_cases_the_release_carries(demo):
    assert "(active)" in demo["load_output"]
    assert Dictionary.objects.get(kind="event", is_active=True).terminology == "MedDRA"
    released = [
        s for s in _fda_submissions() if demo["before"].get(s.id, (None,))[0] == S.HELD
        and s.status in BUILT
    ]  # fmt: skip
    assert len(released) >= 2


def test_every_submission_built_for_the_regulator_validates_with_zero_errors(
    demo, tmp_path, capsys
):
    built = [s for s in _fda_submissions() if s.status in BUILT]
    assert not [s for s in _fda_submissions() if s.status == S.FAILED]
    for s in built:
        problems = errors(validate(bytes(s.xml), "fda", initial=s.kind == "initial"))
        assert problems == [], (s.case.worldwide_case_id, [str(p) for p in problems])
    files = _export(built, tmp_path / "export")
    for initial, paths in files.items():
        if paths:
            status, out = _validate_files(paths, initial=initial, capsys=capsys)
            assert status == 0 and out.count(": OK") == len(paths), out


def test_every_submission_still_held_is_held_for_the_reason_it_states(demo):
    held = [s for s in _fda_submissions() if s.status == S.HELD]
    assert held, "the release withholds a term: at least one case must wait for a reviewer"
    for s in held:
        stated = {r["reaction"]: r["message"] for r in s.held_reasons}
        reactions = {r.position: r for r in s.case.reactions.all()}
        not_meddra = {p for p, r in reactions.items() if not r.code or r.terminology != "MedDRA"}
        assert set(stated) == not_meddra, (s.case.worldwide_case_id, stated)
        for position, message in stated.items():
            r = reactions[position]
            label = f"needs coding: reaction {position} '{r.reported_term}'"
            if r.code:
                assert message == (
                    f"{label} is coded in {r.terminology} {r.terminology_version}, not MedDRA"
                )
            else:
                assert message == f"{label} has no MedDRA code"
    assert any(r.pt == demo["withheld"] for s in held for r in s.case.reactions.all())


def test_pv_e2b_export_writes_only_valid_fda_files_and_holds_the_cases_that_need_coding(
    demo, tmp_path, capsys
):
    # when every demo case is exported for the fda profile (`pv e2b export --all`)
    out = tmp_path / "all"
    call_command("e2b", "export", "--all", "-o", str(out), "--profile", "fda")
    report = capsys.readouterr().out
    # then every file written validates with zero errors (`pv e2b validate --profile fda`)
    files = sorted(out.glob("*.xml"))
    assert len(files) >= 20, report
    for initial in (True, False):
        paths = [p for p in files if p.name.endswith("-v1.xml") == initial]
        if paths:
            status, checked = _validate_files(paths, initial=initial, capsys=capsys)
            assert status == 0 and checked.count(": OK") == len(paths), checked
    assert " 0 invalid" in report
    # and each case not written is held for a stated reason: a reaction not coded in MedDRA
    held = [line for line in report.splitlines() if "HELD, not written (fda)" in line]
    reasons = [line.strip() for line in report.splitlines() if line.startswith("  needs coding")]
    assert held and len(reasons) >= len(held)
    uncodable = {
        (r.case.sender_report_id, r.case.version)
        for r in CaseReaction.objects.filter(case__is_latest=True).select_related("case")
        if not r.code or r.terminology != "MedDRA"
    }
    assert {line.split("/")[-1].split(".xml")[0] for line in held} == {
        f"{sender}-v{version}" for sender, version in uncodable
    }


def test_coding_the_held_reactions_from_the_case_page_releases_them_and_they_validate(
    demo, tmp_path, capsys, django_capture_on_commit_callbacks
):
    # given the held submissions and the demo reviewer on the case page
    held = [s for s in _fda_submissions() if s.status == S.HELD]
    assert held
    client = login(User.objects.get(username="reviewer"))
    known = CaseReaction.objects.filter(terminology="MedDRA", code__startswith="7").first().term

    def code_on_the_case_page(reaction) -> None:
        # a term the dictionary search offers for its words (or, for words it does not know,
        # the term the reviewer looks up)
        code = _term_for(client, reaction.case_id, reaction) or _term_for(
            client, reaction.case_id, reaction, query=known
        )
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/cases/{reaction.case_id}/reactions/{reaction.id}/coding/", {"code": code}
            )
        assert response.status_code == 302, response

    # when the reviewer codes each reaction a hold names, following its link
    for s in held:
        page = client.get(f"/cases/{s.case_id}/").content.decode()
        for reason in s.held_reasons:
            assert f'href="#reaction-{reason["reaction"]}"' in page
            code_on_the_case_page(s.case.reactions.get(position=reason["reaction"]))
    # then every one was released, built and validates for the fda profile with zero errors
    after = list(Submission.objects.filter(id__in=[s.id for s in held]))
    assert {s.status for s in after} <= set(BUILT), [(s.status, s.held_reasons) for s in after]
    files = _export(after, tmp_path / "released")
    for initial, paths in files.items():
        if paths:
            status, out = _validate_files(paths, initial=initial, capsys=capsys)
            assert status == 0 and out.count(": OK") == len(paths), out
    # and once the reviewer has coded every other reaction not in MedDRA (the cases the export
    # held), the whole demo exports for the fda profile: every case written, none invalid
    for reaction in CaseReaction.objects.filter(case__is_latest=True).exclude(terminology="MedDRA"):
        code_on_the_case_page(reaction)
    capsys.readouterr()
    call_command("e2b", "export", "--all", "-o", str(tmp_path / "all"), "--profile", "fda")
    report = capsys.readouterr().out
    latest = CaseReaction.objects.filter(case__is_latest=True).values("case_id").distinct()
    assert f"{latest.count()} case(s) written" in report and ", 0 invalid, 0 held" in report
    written = sorted((tmp_path / "all").glob("*.xml"))
    for initial in (True, False):
        paths = [p for p in written if p.name.endswith("-v1.xml") == initial]
        if paths:
            status, out = _validate_files(paths, initial=initial, capsys=capsys)
            assert status == 0 and out.count(": OK") == len(paths), out


def _term_for(client, case_id, reaction, query: str | None = None) -> str:
    """The first term the dictionary search offers for `query` (default: the reported words)."""
    html = client.get(
        "/dictionary/search/",
        {"q": (query or reaction.reported_term)[:200], "case": case_id, "reaction": reaction.id},
    ).content.decode()
    marker = 'name="code" value="'
    return html.split(marker, 1)[1].split('"', 1)[0] if marker in html else ""
