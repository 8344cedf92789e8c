"""Configuration from the environment and the `pv` command's own subcommands."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pv.models import User
from pv.settings.base import database_from_url


def _import_production(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("PV_", "DATABASE_URL", "CELERY_"))
    }
    return subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import django, os;"
            " os.environ['DJANGO_SETTINGS_MODULE'] = 'pv.settings.production'; django.setup()",
        ],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_refuses_demo_defaults():
    result = _import_production({})
    assert result.returncode != 0
    assert "refusing to start" in result.stderr
    for name in (
        "PV_SECRET_KEY",
        "PV_VAULT_KEY",
        "PV_AUDIT_KEY",
        "DATABASE_URL",
        "CELERY_BROKER_URL",
    ):
        assert name in result.stderr


def test_production_starts_when_configured():
    result = _import_production(
        {
            "PV_SECRET_KEY": "x" * 50,
            "PV_VAULT_KEY": "MTRvlR5-7sw7kXNObZGWnSqyWyvm6HlbENzGqbBUhME=",
            "PV_AUDIT_KEY": "a" * 40,
            "DATABASE_URL": "postgresql://pv@127.0.0.1:5432/pv",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        }
    )
    assert result.returncode == 0, result.stderr


def test_database_url_parsing(tmp_path):
    pg = database_from_url(
        "postgres://u:p%40ss@db.example:6543/pvdb?sslmode=require", sqlite_path=tmp_path / "x"
    )
    assert (pg["ENGINE"], pg["NAME"], pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"]) == (
        "django.db.backends.postgresql",
        "pvdb",
        "u",
        "p@ss",
        "db.example",
        "6543",
    )
    # a database that does not answer fails fast; a cut idle connection is checked before use
    assert pg["OPTIONS"] == {"sslmode": "require", "connect_timeout": "5"}
    assert pg["CONN_HEALTH_CHECKS"] is True
    own = database_from_url("postgres://u@h/d?connect_timeout=20", sqlite_path=tmp_path / "x")
    assert own["OPTIONS"] == {"connect_timeout": "20"}
    assert database_from_url("", sqlite_path=tmp_path / "x")["NAME"] == str(tmp_path / "x")
    with pytest.raises(ValueError, match="unsupported scheme"):
        database_from_url("mysql://x/y", sqlite_path=tmp_path / "x")


@pytest.mark.django_db
def test_createuser_for_each_role(fda, capsys):
    call_command("createuser", "--role", "regulator", "--partner", fda.name, "--username", "fda-1")
    out = capsys.readouterr().out
    assert "token:" in out and "password:" in out
    assert User.objects.get(username="fda-1").partner == fda
    call_command("createuser", "--role", "reviewer")
    assert User.objects.filter(role="reviewer").count() == 1


@pytest.mark.django_db
def test_createuser_errors_are_clear(fda):
    with pytest.raises(CommandError, match="no partner named"):
        call_command("createuser", "--role", "sponsor", "--partner", "Nobody Inc")
    with pytest.raises(CommandError, match="needs a sponsor partner"):
        call_command("createuser", "--role", "sponsor", "--partner", fda.name)
    with pytest.raises(CommandError, match="needs a regulator partner"):
        call_command("createuser", "--role", "regulator")


def test_pv_command_dispatches_pure_and_django_commands():
    from pv import cli

    func, rest = cli._pure_entry(["signals", "compute", "in.csv"])
    assert func is not None and rest == ["in.csv"]
    assert cli._pure_entry(["migrate"]) == (None, ["migrate"])


@pytest.mark.parametrize(
    ("addr", "url"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("0.0.0.0:18455", "http://127.0.0.1:18455"),
        ("18456", "http://127.0.0.1:18456"),
        ("pv.local:9000", "http://pv.local:9000"),
        ("[::1]:9001", "http://[::1]:9001"),
    ],
)
def test_demo_links_follow_the_served_address(addr, url):
    from demo.management.commands.demo import site_url_for

    assert site_url_for(addr) == url


@pytest.mark.django_db
def test_demo_addr_sets_the_site_url_unless_configured(settings, monkeypatch, capsys):
    # given: a seeded demo (seeding itself is tested in test_demo_seed)
    from demo.management.commands import demo

    monkeypatch.setattr(demo, "demo_is_seeded", lambda: True)
    monkeypatch.setattr(demo, "demo_summary", dict)
    monkeypatch.setattr(demo, "demo_accounts", list)
    monkeypatch.delenv("PV_SITE_URL", raising=False)
    # when
    call_command("demo", "--addr", "0.0.0.0:18457", "--no-serve")
    # then
    assert settings.PV_SITE_URL == "http://127.0.0.1:18457"
    assert "links to http://127.0.0.1:18457" in capsys.readouterr().out
    # an explicit PV_SITE_URL wins (a demo behind a proxy)
    monkeypatch.setenv("PV_SITE_URL", "https://pv.example.org")
    settings.PV_SITE_URL = "https://pv.example.org"
    call_command("demo", "--addr", "127.0.0.1:18458", "--no-serve")
    assert settings.PV_SITE_URL == "https://pv.example.org"
