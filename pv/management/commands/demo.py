"""`pv demo`: migrate the SQLite database, seed the synthetic community once, print one account
per role, and serve on 127.0.0.1:8000 (or --addr) with in-process tasks. Links in members'
emails are built from the address served, unless PV_SITE_URL says otherwise."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from pv.demo.community import generate_community
from pv.services.demo import (
    demo_accounts,
    demo_is_seeded,
    demo_member_seed,
    demo_seed,
    demo_summary,
)


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


class Command(BaseCommand):
    help = "Run the embedded demo (SQLite, in-process tasks, seeded synthetic community)."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument("--no-serve", action="store_true", help="Seed and exit (for scripts)")

    def handle(self, *args, **opts):
        if "PV_SITE_URL" not in os.environ:
            # Emails sent while the demo runs (in-process tasks) link to where it is served.
            settings.PV_SITE_URL = site_url_for(opts["addr"])
        call_command("migrate", interactive=False, verbosity=0)
        if not demo_is_seeded():
            self.stdout.write("Seeding the synthetic community (first run only)...")
            demo_seed(community=generate_community())
            demo_member_seed()
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
        if opts["no_serve"]:
            return
        self.stdout.write(
            f"Serving on http://{opts['addr']}/  (API docs: http://{opts['addr']}/api/docs/)\n"
        )
        call_command("runserver", opts["addr"], use_reloader=False)
