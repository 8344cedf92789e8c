"""`pv demo` keeps the console quiet: accounts, the address, a count of warnings; the log file
gets every line."""

from __future__ import annotations

import io
import json
import logging
import logging.config

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from demo.management.commands import demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def restore_logging():
    original = django_settings.LOGGING
    # dictConfig leaves loggers it does not name as they are: put back the levels the demo sets.
    names = ("django.server", "django.request", "django.db.backends")
    levels = {name: logging.getLogger(name).level for name in names}
    yield
    django_settings.LOGGING = original
    logging.config.dictConfig(original)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    logging.captureWarnings(False)


def _fake_seed(*, community):
    logging.getLogger("intake.tasks").info("screened a batch")
    logging.getLogger("submissions.services.messages").warning("submission failed validation")
    return []


def test_seeding_and_tasks_stay_out_of_the_console(
    restore_logging, settings, tmp_path, monkeypatch, capsys
):
    # (restore_logging first: it must reopen the real stderr after capsys has let go of it)
    # given a first run whose seeding logs an info and a warning line
    settings.VAR_DIR = tmp_path
    monkeypatch.setattr(demo, "demo_is_seeded", lambda: False)
    monkeypatch.setattr(demo, "generate_community", lambda: {})
    monkeypatch.setattr(demo, "demo_seed", _fake_seed)
    monkeypatch.setattr(demo, "demo_member_seed", lambda: {})
    monkeypatch.setattr(demo, "demo_summary", lambda: {"posts": 3})
    account = {"role": "reviewer", "username": "r", "password": "pw", "token": "t", "partner": None}
    monkeypatch.setattr(demo, "demo_accounts", lambda: [account])
    out = io.StringIO()
    # when the demo starts
    call_command("demo", "--no-serve", stdout=out)
    logging.getLogger("intake.tasks").info("a later task line")
    # then the console has the accounts and a count of the warnings, not the lines themselves
    printed = out.getvalue()
    assert "reviewer" in printed and "Demo data: 3 posts" in printed
    assert "Seeding logged 1 warning(s) from submissions.services.messages" in printed
    console = capsys.readouterr()
    assert "screened a batch" not in console.err + console.out
    assert "a later task line" not in console.err + console.out
    # and the log file has every line as JSON
    log_file = tmp_path / "log" / "pv.jsonl"
    events = [json.loads(line)["event"] for line in log_file.read_text().splitlines()]
    assert {"screened a batch", "submission failed validation", "a later task line"} <= set(events)
    # warnings after seeding do reach the console
    logging.getLogger("pv").warning("something the operator should see")
    assert "something the operator should see" in capsys.readouterr().err
