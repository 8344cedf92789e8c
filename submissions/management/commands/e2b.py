"""`pv e2b import FILE...` and `pv e2b export (--case ID | --all) -o DIR [--profile P]`.

Export writes what pv would send a receiver of that profile, so a case whose reactions are not
all MedDRA-coded is not written: it is reported as held with the reasons, as its submission
would be.

(`pv e2b validate` needs no database and is dispatched straight to submissions.cli.)
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pv.core.exceptions import DomainError
from pv.models import Case, Partner
from submissions.e2b import E2BParseError, errors, parse_batch
from submissions.importer import case_import_snapshot
from submissions.services import case_e2b_build, coding_hold_reasons

RECEIVERS = {"fda": "ZZFDA", "ema": "EVHUMAN", "ich": "EXPORT"}


class Command(BaseCommand):
    help = "Import E2B(R3) ICSR files as cases, or export cases as E2B(R3) XML."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import ICSR batch files")
        imp.add_argument("files", nargs="+")
        exp = sub.add_parser("export", help="write one XML file per case")
        which = exp.add_mutually_exclusive_group(required=True)
        which.add_argument("--case", help="case id (any version) or worldwide case id")
        which.add_argument("--all", action="store_true", help="every latest case version")
        exp.add_argument("-o", "--output", required=True, help="directory to write into")
        exp.add_argument("--profile", choices=sorted(RECEIVERS), default="ich")

    def handle(self, *args, **opts):
        if opts["action"] == "import":
            return self._import(opts["files"])
        return self._export(opts)

    def _import(self, files: list[str]) -> None:
        bad = 0
        for name in files:
            path = Path(name)
            try:
                batch = parse_batch(path.read_bytes())
            except OSError as exc:
                self.stderr.write(f"{name}: cannot read: {exc.strerror}")
                bad += 1
                continue
            except E2BParseError as exc:
                self.stderr.write(f"{name}: not a readable E2B(R3) batch: {exc}")
                bad += 1
                continue
            for index, snapshot in enumerate(batch.cases, start=1):
                try:
                    case, created = case_import_snapshot(
                        snapshot=snapshot, actor="cli", route=batch.header
                    )
                except DomainError as exc:
                    self.stderr.write(f"{name} message {index}: {exc.message}")
                    bad += 1
                    continue
                verb = "imported" if created else "already imported"
                self.stdout.write(
                    f"{name} message {index}: {verb} as case {case.id} ({case.worldwide_case_id})"
                )
        if bad:
            raise CommandError(f"{bad} file(s) or message(s) could not be imported")

    def _export(self, opts) -> None:
        out = Path(opts["output"])
        out.mkdir(parents=True, exist_ok=True)
        if opts["all"]:
            cases = Case.objects.filter(is_latest=True).order_by("created_at")
        else:
            cases = Case.objects.filter(worldwide_case_id=opts["case"], is_latest=True)
            if not cases.exists():
                try:
                    cases = Case.objects.filter(id=uuid.UUID(opts["case"]))
                except ValueError:
                    cases = Case.objects.none()
            if not cases.exists():
                raise CommandError(f"--case: no case {opts['case']!r}")
        profile = opts["profile"]
        recipient = Partner(name="export", e2b_profile=profile, e2b_receiver_id=RECEIVERS[profile])
        invalid = held = 0
        for case in cases.prefetch_related("drugs", "reactions"):
            name = f"{case.sender_report_id}-v{case.version}"
            reasons = coding_hold_reasons(case=case, recipient=recipient)
            if reasons:
                held += 1
                self.stdout.write(f"{out / name}.xml: HELD, not written ({profile})")
                for reason in reasons:
                    self.stdout.write(f"  {reason['message']}")
                continue
            kind = "initial" if case.version == 1 else "followup"
            xml, _, failures = case_e2b_build(
                case=case,
                recipient=recipient,
                kind=kind,
                batch_number=uuid.uuid4().hex,
                actor="cli",
            )
            target = out / f"{name}.xml"
            target.write_bytes(xml)
            problems = errors(failures)
            if problems:
                invalid += 1
                self.stdout.write(f"{target}: INVALID ({profile})")
                for failure in problems:
                    self.stdout.write(f"  {failure}")
            else:
                self.stdout.write(f"{target}: OK ({profile})")
        self.stdout.write(
            f"{cases.count() - held} case(s) written to {out}, {invalid} invalid, "
            f"{held} held (reactions need MedDRA coding)"
        )
