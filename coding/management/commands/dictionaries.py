"""`pv dictionaries list` / `pv dictionaries load ...` / `pv dictionaries activate ID`.

    pv dictionaries load --kind event --format meddra DIR [--version 27.0]
    pv dictionaries load --kind drug --format rxnorm DIR --version 2025-03-03
    pv dictionaries load --kind drug --format whodrug FILE --version "B3 2025 Mar" \
        --layout '{"delimiter": null, "columns": {"drug_record_number": [0, 6], ...}}'

`--layout` is JSON (inline, or @path to a JSON file) following
`coding.nlp.loaders.WHODRUG_DEFAULT_LAYOUT`; presets: `tab` (the default, with header) and
`csv`. Bad files end with a one-line error and exit code 1, never a traceback.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from coding.models import Dictionary
from coding.selectors import dictionary_get, dictionary_list
from coding.services import dictionary_activate, dictionary_load
from pv.core.exceptions import DomainError

LAYOUT_PRESETS = {
    "tab": {"delimiter": "\t", "header": True},
    "csv": {"delimiter": ",", "header": True},
}


def _layout(value: str | None) -> dict | None:
    if not value:
        return None
    if value in LAYOUT_PRESETS:
        return LAYOUT_PRESETS[value]
    text = value
    if value.startswith("@"):
        try:
            text = Path(value[1:]).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot read layout file {value[1:]}: {exc.strerror}") from exc
    try:
        layout = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CommandError(f"--layout is not valid JSON: {exc.msg} (column {exc.colno})") from exc
    if not isinstance(layout, dict):
        raise CommandError("--layout must be a JSON object")
    return layout


class Command(BaseCommand):
    help = "Drug and event dictionaries: list the loaded versions, load a licensed one."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="Loaded dictionary versions (registers the open defaults)")
        load = sub.add_parser("load", help="Load a licensed dictionary from its files")
        load.add_argument("path", help="MedDRA/RxNorm directory, or WHODrug file")
        load.add_argument("--kind", required=True, choices=Dictionary.Kind.values)
        load.add_argument(
            "--format",
            required=True,
            choices=[f for f in Dictionary.Format.values if f != Dictionary.Format.BUILTIN],
        )
        load.add_argument("--version", default="", help="Release (MedDRA reads it from files)")
        load.add_argument(
            "--layout",
            default=None,
            help="WHODrug column layout: JSON, @file, or a preset (tab, csv)",
        )
        load.add_argument("--name", default="", help="Label (default: terminology + version)")
        load.add_argument("--licence-note", default="")
        load.add_argument(
            "--no-activate",
            action="store_true",
            help="Register without making it the active dictionary of its kind",
        )
        activate = sub.add_parser("activate", help="Make a loaded version the active one")
        activate.add_argument("dictionary_id")

    def handle(self, *args, **opts):
        try:
            if opts["action"] == "list":
                return self._list()
            if opts["action"] == "activate":
                return self._activate(opts["dictionary_id"])
            return self._load(opts)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _list(self) -> None:
        rows = list(dictionary_list())
        self.stdout.write(
            f"{'':1} {'kind':<6} {'terminology':<30} {'version':<24} {'format':<8} "
            f"{'concepts':>9} {'names':>9}  loaded  id"
        )
        for d in rows:
            self.stdout.write(
                f"{'*' if d.is_active else ' '} {d.kind:<6} {d.terminology[:30]:<30} "
                f"{d.version[:24]:<24} {d.format:<8} {d.concept_count:>9} {d.name_count:>9}  "
                f"{d.loaded_at:%Y-%m-%d}  {d.id}"
            )
        self.stdout.write("* = active (used for coding suggestions, search and overrides)")

    def _activate(self, dictionary_id: str) -> None:
        try:
            dictionary = dictionary_get(dictionary_id=uuid.UUID(dictionary_id))
        except (ValueError, DomainError) as exc:
            raise CommandError(f"no dictionary {dictionary_id}") from exc
        dictionary_activate(actor="cli", dictionary=dictionary)
        self.stdout.write(f"active {dictionary.kind} dictionary: {dictionary}")

    def _load(self, opts) -> None:
        if opts["layout"] and opts["format"] != Dictionary.Format.WHODRUG:
            raise CommandError("--layout only applies to --format whodrug")
        dictionary = dictionary_load(
            actor="cli",
            kind=opts["kind"],
            fmt=opts["format"],
            path=opts["path"],
            version=opts["version"],
            layout=_layout(opts["layout"]),
            name=opts["name"],
            licence_note=opts["licence_note"],
            activate=not opts["no_activate"],
        )
        state = "active" if dictionary.is_active else "not active"
        self.stdout.write(
            f"loaded {dictionary.kind} dictionary {dictionary.terminology} {dictionary.version}: "
            f"{dictionary.concept_count} concepts, {dictionary.name_count} names ({state}); "
            f"id {dictionary.id}"
        )
