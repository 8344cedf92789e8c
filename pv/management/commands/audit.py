"""`pv audit verify | anchor`: check the keyed audit chain against its anchors; sign the head.

`verify` exits 1 on any break. After a clean verification it also appends an anchor of the head
it has just checked (unless `--no-anchor`), so every verification moves the protected point up.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from pv.audit_anchor import anchor_path, audit_anchor_write, audit_verify_anchored
from pv.core.exceptions import DomainError

SHOWN = 50  # a wrong key breaks every row: show the first ones and the count


class Command(BaseCommand):
    help = (
        "Audit trail tools. `verify` checks that no event was edited, deleted or reordered and "
        "that every anchored head is still there; `anchor` signs the chain head into the anchor "
        "file (PV_AUDIT_ANCHOR_PATH)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "anchor"])
        parser.add_argument(
            "--no-anchor", action="store_true", help="verify only; do not anchor the checked head"
        )

    def handle(self, *args, **opts):
        try:
            if opts["action"] == "anchor":
                self._anchor()
            else:
                self._verify(anchor=not opts["no_anchor"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        except OSError as exc:  # the anchor file: unreadable, unwritable, no such directory
            raise CommandError(f"audit anchor file: {exc}") from exc

    def _anchor(self) -> None:
        anchor = audit_anchor_write()
        if anchor is None:
            self.stdout.write(f"audit head unchanged since the last anchor ({anchor_path()})")
        else:
            self.stdout.write(f"anchored audit head seq {anchor.seq} in {anchor_path()}")

    def _verify(self, *, anchor: bool) -> None:
        breaks, state = audit_verify_anchored()
        if breaks:
            for b in breaks[:SHOWN]:
                self.stderr.write(f"BROKEN at seq {b.seq}: {b.problem}")
            if len(breaks) > SHOWN:
                self.stderr.write(f"... and {len(breaks) - SHOWN} more")
            self.stderr.write(f"audit chain: {len(breaks)} problem(s) in {state.events} events")
            sys.exit(1)
        note = f" ({state.plain} from before the chain was keyed)" if state.plain else ""
        self.stdout.write(f"audit chain OK: {state.events} events{note}")
        if anchor:
            audit_anchor_write(seq=state.last_seq, hash_=state.last_hash)
            self.stdout.write(f"anchored seq {state.last_seq} in {anchor_path()}")
