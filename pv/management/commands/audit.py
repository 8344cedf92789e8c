"""`pv audit verify`: check the audit hash chain; exit 1 on any break."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from pv.audit import audit_verify
from pv.models import AuditEvent


class Command(BaseCommand):
    help = "Audit trail tools. `verify` checks that no event was edited, deleted or reordered."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, **opts):
        breaks = list(audit_verify())
        total = AuditEvent.objects.count()
        if breaks:
            for b in breaks:
                self.stderr.write(f"BROKEN at seq {b.seq}: {b.problem}")
            self.stderr.write(f"audit chain: {len(breaks)} problem(s) in {total} events")
            sys.exit(1)
        self.stdout.write(f"audit chain OK: {total} events")
