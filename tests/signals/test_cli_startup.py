"""Start-up of `pv signals compute`: what it imports, checked in a fresh interpreter (not timed;
the timings are benchmarks/signals_startup.py's). Importing the command's module pulls in no
pandas, numpy or scipy; a caers computation (the numpy-only path) imports neither pandas nor
scipy; on the pandas path a run with a fixed theta never imports scipy.optimize."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.signals import REPO, shared_path

# numpy.ma: np.unique without return_inverse/counts imports it (~7 ms); the lite path avoids it.
HEAVY = ("pandas", "numpy", "scipy", "scipy.optimize", "scipy.special", "numpy.ma")


def _modules_after(code: str) -> dict:
    probe = (
        f"{code}\nimport json, sys\nprint(json.dumps({{m: m in sys.modules for m in {HEAVY!r}}}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_command_module_imports_nothing_heavy():
    loaded = _modules_after("import pv.cli, signals.cli, signals.cli_faers")
    assert not any(loaded.values()), loaded


def test_a_bad_path_is_answered_before_any_heavy_import(tmp_path):
    code = (
        "from signals.cli import compute_main\n"
        f"assert compute_main([{str(tmp_path / 'missing.csv')!r}, '-o', 'x.csv']) == 2"
    )
    loaded = _modules_after(code)
    assert not loaded["pandas"] and not loaded["scipy"]


def test_a_fixed_theta_never_imports_the_optimiser(tmp_path):
    caers, out = shared_path("signals_data", "caers.csv"), tmp_path / "out.csv"
    code = (
        "from signals.cli import compute_main\n"
        f"assert compute_main([{str(caers)!r}, '-o', {str(out)!r},"
        " '--hyper', '0.2,0.06,1.4,1.8,0.1', '--exact-names', '--engine', 'pandas']) == 0"
    )
    loaded = _modules_after(code)
    assert loaded["pandas"] and loaded["scipy.special"]  # what scoring needs
    assert not loaded["scipy.optimize"]
    assert out.read_text().count("\n") == 17_189 + 1  # every caers pair (openEBGM), a header


def test_a_caers_computation_imports_neither_pandas_nor_scipy(tmp_path):
    # given caers (auto picks the numpy-only path), with theta fitted and with theta fixed
    caers = shared_path("signals_data", "caers.csv")
    for extra in ([], ["--hyper", "0.2,0.06,1.4,1.8,0.1"]):
        out, theta = tmp_path / "out.csv", tmp_path / "theta.json"
        code = (
            "from signals.cli import compute_main\n"
            f"assert compute_main([{str(caers)!r}, '-o', {str(out)!r},"
            f" '--hyper-out', {str(theta)!r}, *{extra!r}]) == 0"
        )
        # when the command runs in a fresh interpreter
        loaded = _modules_after(code)
        # then it computed everything with numpy alone
        assert loaded["numpy"]
        assert not loaded["pandas"] and not loaded["scipy"], (extra, loaded)
        assert not loaded["numpy.ma"], (extra, loaded)
        assert out.read_text().count("\n") > 17_000  # every (canonicalised) pair, a header
        assert json.loads(theta.read_text())["fitted"] is (not extra)
