"""`pv rescreen`: screen again every post and report whose current screening comes from an
older pipeline version (and those never screened or whose screening failed).

Enqueues one screening task per batch of ids (run in-process when there is no broker).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from intake.services.screening import current_pipeline_version, items_outdated
from intake.tasks import intake_items_screen_task


class Command(BaseCommand):
    help = "Re-run screening on items screened with an older pipeline version."

    def add_arguments(self, parser):
        parser.add_argument("--kind", choices=["post", "report", "all"], default="all")
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--no-failed", action="store_true", help="Skip items whose last screening failed"
        )
        parser.add_argument("--dry-run", action="store_true", help="Only count")

    def handle(self, *args, **opts):
        version = current_pipeline_version()
        kinds = ["post", "report"] if opts["kind"] == "all" else [opts["kind"]]
        size = max(1, opts["batch_size"])
        for kind in kinds:
            ids = items_outdated(kind=kind, include_failed=not opts["no_failed"])
            verb = "would rescreen" if opts["dry_run"] else "rescreening"
            self.stdout.write(f"{kind}s: {verb} {len(ids)} with {version}")
            if opts["dry_run"]:
                continue
            for start in range(0, len(ids), size):
                intake_items_screen_task.delay(kind, ids[start : start + size])
