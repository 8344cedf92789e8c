"""`pv demo`: migrate the SQLite database, seed the synthetic community once, print one account
per role, and serve on 127.0.0.1:8000 (or --addr) with in-process tasks. Links in members'
emails are built from the address served, unless PV_SITE_URL says otherwise.

The console stays quiet: the address, the accounts, and warnings or errors. Every request and
task log line goes to a JSON log file under var/ (`--verbose` puts them on the console too).
"""

from __future__ import annotations

import io
import logging
import logging.config
import os
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from demo.community import generate_community
from demo.services import (
    demo_accounts,
    demo_is_seeded,
    demo_member_seed,
    demo_seed,
    demo_summary,
)
from pv.logs import demo_logging_config


def site_url_for(addr: str) -> str:
    """The base URL a browser reaches `runserver ADDR` at: `8000` and `0.0.0.0:8000` listen
    on this machine, so links use 127.0.0.1."""
    host, _, port = addr.rpartition(":")
    host = host.strip("[]")
    if host in ("", "0.0.0.0", "::"):  # noqa: S104 - naming the wildcard, not binding to it
        host = "127.0.0.1"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


class _WarningCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.counts: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        self.counts[record.name] += 1


class Command(BaseCommand):
    help = "Run the embedded demo (SQLite, in-process tasks, seeded synthetic community)."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument("--no-serve", action="store_true", help="Seed and exit (for scripts)")
        parser.add_argument(
            "--verbose", action="store_true", help="Also print every request and task log line"
        )

    def handle(self, *args, **opts):
        if "PV_SITE_URL" not in os.environ:
            # Emails sent while the demo runs (in-process tasks) link to where it is served.
            settings.PV_SITE_URL = site_url_for(opts["addr"])
        log_file = Path(settings.VAR_DIR) / "log" / "pv.jsonl"
        quiet = not opts["verbose"]
        if quiet:
            # Seeding runs hundreds of tasks; their expected warnings (regulator submissions of
            # open-coded cases fail validation) are counted, not printed.
            self._logging(demo_logging_config(log_file=log_file, console_level="ERROR"))
        call_command("migrate", interactive=False, verbosity=0)
        if not demo_is_seeded():
            self.stdout.write("Seeding the synthetic community (first run only, about a minute)...")
            counter = _WarningCounter()
            logging.getLogger().addHandler(counter)
            try:
                demo_seed(community=generate_community())
                demo_member_seed()
            finally:
                logging.getLogger().removeHandler(counter)
            if quiet and counter.counts:
                self.stdout.write(
                    "Seeding logged "
                    + ", ".join(f"{n} warning(s) from {name}" for name, n in counter.counts.items())
                    + f" (details in {log_file})."
                )
        if quiet:
            self._logging(demo_logging_config(log_file=log_file))
        summary = demo_summary()
        self.stdout.write("Demo data: " + ", ".join(f"{n} {k}" for k, n in summary.items()))
        self.stdout.write(
            "\nDemo accounts (log in at the address below, or send 'Authorization: Token <token>'):"
        )
        for a in demo_accounts():
            partner = f" ({a['partner']})" if a["partner"] else ""
            self.stdout.write(
                f"  {a['role']:<10} {a['username']:<28} password {a['password']:<18}"
                f" token {a['token']}{partner}"
            )
        self.stdout.write(
            f"\nDatabase: {settings.DATABASES['default']['NAME']}"
            f"  Email: files under {settings.EMAIL_FILE_PATH}"
            f"  (links to {settings.PV_SITE_URL})"
        )
        if not opts["verbose"]:
            self.stdout.write(f"Logs: {log_file} (console shows warnings and errors only)")
        if opts["no_serve"]:
            return
        self.stdout.write(
            self.style.SUCCESS(f"\npv demo is running at http://{opts['addr']}/")
            + "  (Ctrl-C to stop)\n"
        )
        # runserver's own banner repeats the address with development-server boilerplate.
        banner = io.StringIO() if quiet else None
        call_command("runserver", opts["addr"], use_reloader=False, stdout=banner)

    @staticmethod
    def _logging(config: dict) -> None:
        # Also the settings: runserver loads the WSGI app, whose django.setup() configures
        # logging again from settings.LOGGING.
        settings.LOGGING = config
        logging.config.dictConfig(config)
        logging.captureWarnings(True)
