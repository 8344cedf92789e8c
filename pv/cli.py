"""The `pv` console command.

Commands that need no database (`pv screen`, `pv signals compute`, `pv e2b validate`) run their
pure-core entry point directly, so they start fast and work on a machine with no database.
Everything else is a Django management command (`pv demo`, `pv migrate`, `pv audit verify` ...).
"""

from __future__ import annotations

import importlib
import os
import sys

# (command words) -> "module:function"; the function takes the remaining argv, returns exit code.
PURE_COMMANDS: dict[tuple[str, ...], str] = {
    ("screen",): "intake.cli:screen_main",
    ("screen-eval",): "intake.cli:eval_main",
    ("screen-train",): "intake.cli:train_main",
    ("signals", "compute"): "signals.cli:compute_main",
    ("signals", "faers-compute"): "signals.cli_faers:main",
    ("e2b", "validate"): "submissions.cli:validate_main",
}


def _pure_entry(argv: list[str]):
    for words, target in sorted(PURE_COMMANDS.items(), key=lambda kv: -len(kv[0])):
        if tuple(argv[: len(words)]) == words:
            module_name, func_name = target.split(":")
            return getattr(importlib.import_module(module_name), func_name), argv[len(words) :]
    return None, argv


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    func, rest = _pure_entry(argv)
    if func is not None:
        return int(func(rest) or 0)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pv.settings.local")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["pv", *argv])
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
