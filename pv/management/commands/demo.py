"""`pv demo`: migrate the SQLite database, seed the synthetic community once, print one account
per role, and serve on 127.0.0.1:8000 with in-process tasks."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from pv.demo.community import generate_community
from pv.services.demo import demo_accounts, demo_is_seeded, demo_seed, demo_summary


class Command(BaseCommand):
    help = "Run the embedded demo (SQLite, in-process tasks, seeded synthetic community)."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument("--no-serve", action="store_true", help="Seed and exit (for scripts)")

    def handle(self, *args, **opts):
        call_command("migrate", interactive=False, verbosity=0)
        if not demo_is_seeded():
            self.stdout.write("Seeding the synthetic community (first run only)...")
            demo_seed(community=generate_community())
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
        )
        if opts["no_serve"]:
            return
        self.stdout.write(
            f"Serving on http://{opts['addr']}/  (API docs: http://{opts['addr']}/api/docs/)\n"
        )
        call_command("runserver", opts["addr"], use_reloader=False)
