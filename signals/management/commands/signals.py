"""`pv signals ...`: database-side signal commands (`pv signals compute` is the pure CLI).

pv signals import-faers DIR_OR_ZIP... [--name NAME] [--roles PS,SS] [--replace] [--run]
pv signals run --source cases|social|faers [--drug-level ingredient|product]
    [--event-level pt|hlt|hlgt|soc|smq_narrow|smq_broad] [--interactions]
    [--dataset ID ...] [--period-to 2017Q2] [--no-trend]
    [--strata sex,age_group] [--hyper a1,b1,a2,b2,p] [--threshold name=value ...] [--queue]
pv signals runs | datasets
pv signals demo-seed
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from pv.core.exceptions import DomainError
from signals.models import EventLevel, ExternalDataset, SignalRun
from signals.services import (
    faers_dataset_import,
    signal_run_create,
    signal_run_execute,
    signals_demo_seed,
)


def _csv(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


class Command(BaseCommand):
    help = "Signals: import FAERS background data, run analyses, list runs and datasets."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import-faers", help="Import FAERS / legacy AERS quarterly ASCII")
        imp.add_argument("sources", nargs="+", help="quarter folders or FDA zips")
        imp.add_argument("--name", default="")
        imp.add_argument("--roles", default="PS,SS", help="drug roles kept (PS,SS,C,I)")
        imp.add_argument(
            "--replace",
            action="store_true",
            help="replace earlier datasets holding any of these quarters (else refused)",
        )
        imp.add_argument("--run", action="store_true", help="then run ingredient x PT on it")
        run = sub.add_parser("run", help="Run one analysis now (or --queue it for a worker)")
        run.add_argument("--source", required=True, choices=["cases", "social", "faers"])
        run.add_argument("--drug-level", default="ingredient", choices=["ingredient", "product"])
        run.add_argument("--event-level", default="pt", choices=EventLevel.values)
        run.add_argument(
            "--interactions", action="store_true", help="also screen drug pairs (Omega)"
        )
        run.add_argument("--dataset", action="append", default=[], help="FAERS dataset id")
        run.add_argument("--period-to", default="")
        run.add_argument("--no-trend", action="store_true", help="only the last quarter")
        run.add_argument("--strata", default="", help="sex,age_group")
        run.add_argument("--hyper", default="", help="fixed theta a1,b1,a2,b2,p")
        run.add_argument("--pearson", action="store_true", help="chi2 without Yates")
        run.add_argument(
            "--threshold", action="append", default=[], help="e.g. eb05=2.5 (repeatable)"
        )
        run.add_argument("--queue", action="store_true", help="enqueue on Celery instead")
        sub.add_parser("runs", help="List recent runs")
        sub.add_parser("datasets", help="List imported datasets")
        sub.add_parser("demo-seed", help="Import the packaged FAERS sample and run the demo")

    def handle(self, *args, **opts):
        try:
            getattr(self, "_" + opts["action"].replace("-", "_"))(opts)
        except DomainError as exc:
            raise CommandError(exc.message) from None

    def _import_faers(self, opts):
        dataset = faers_dataset_import(
            sources=opts["sources"],
            name=opts["name"],
            roles=_csv(opts["roles"]),
            actor="command",
            replace=opts["replace"],
        )
        self.stdout.write(
            f"imported {dataset.id}: {dataset.name}: {dataset.reports} reports, "
            f"{dataset.rows} rows, quarters {', '.join(dataset.quarters)}"
        )
        if opts["run"]:
            self._report(self._execute(source="faers", dataset_ids=[dataset.id]))

    def _run(self, opts):
        thresholds = {}
        for item in opts["threshold"]:
            name, sep, value = item.partition("=")
            if not sep:
                raise CommandError(f"--threshold wants name=value, got {item!r}")
            thresholds[name.strip()] = value.strip()
        hyper = None
        if opts["hyper"]:
            try:
                hyper = [float(v) for v in _csv(opts["hyper"])]
            except ValueError:
                raise CommandError("--hyper wants five numbers a1,b1,a2,b2,p") from None
        run = self._execute(
            source=opts["source"],
            drug_level=opts["drug_level"],
            event_level=opts["event_level"],
            dataset_ids=opts["dataset"],
            period_to=opts["period_to"],
            trend=not opts["no_trend"],
            strata=_csv(opts["strata"]),
            yates=not opts["pearson"],
            thresholds=thresholds,
            hyper=hyper,
            interactions=opts["interactions"],
            queue=opts["queue"],
        )
        self._report(run)

    def _execute(self, *, queue: bool = False, **kwargs) -> SignalRun:
        run = signal_run_create(trigger=SignalRun.Trigger.COMMAND, enqueue=queue, **kwargs)
        if queue:
            return run
        return signal_run_execute(run_id=run.id) or run

    def _report(self, run: SignalRun) -> None:
        run.refresh_from_db()
        line = (
            f"run {run.id} {run.source} {run.drug_level}x{run.event_level}: {run.status}"
            f" periods {','.join(run.periods) or '-'}, {run.n_pairs} pairs,"
            f" {run.n_new_signals} new signals"
        )
        if run.status == SignalRun.Status.FAILED:
            raise CommandError(f"{line}: {run.error}")
        self.stdout.write(line)

    def _runs(self, opts):
        for run in SignalRun.objects.order_by("-created_at")[:50]:
            self.stdout.write(
                f"{run.id} {run.created_at:%Y-%m-%d %H:%M} {run.source:6} "
                f"{run.drug_level}x{run.event_level} {run.status:9} {run.latest_period or '-'} "
                f"pairs={run.n_pairs} new={run.n_new_signals}"
            )

    def _datasets(self, opts):
        for d in ExternalDataset.objects.order_by("-created_at"):
            self.stdout.write(f"{d.id} {d.name}: {d.reports} reports, {d.rows} rows")

    def _demo_seed(self, opts):
        for key, status in signals_demo_seed().items():
            self.stdout.write(f"{key}: {status}")
