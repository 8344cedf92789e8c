"""Real processes for the fault tests: Celery workers (optionally with beat), gunicorn, a TCP
proxy that can cut the database away, and free ports.

Every process gets pv's test settings with `PV_CELERY_WORKER=1` (so it talks to a broker), the
test database, its own queue, and outbox timings in seconds instead of minutes.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

BROKER = settings.PV_TEST_BROKER_URL
# Outbox timings for the tests: a grace of 2 s, a sweep every second, retries 1 s then 2 s.
FAST = {
    "PV_OUTBOX_GRACE_SECONDS": "2",
    "PV_OUTBOX_SWEEP_INTERVAL": "1",
    "PV_TASK_RETRY_BASE_SECONDS": "1",
    "PV_TASK_RETRY_MAX_SECONDS": "2",
    "PV_TASK_MAX_RETRIES": "3",
    "PV_SUBMISSION_TIMEOUT": "2",
    # Long, so only the sweepers (not a broker redelivery) can recover a killed worker's task.
    "PV_BROKER_VISIBILITY_TIMEOUT": "3600",
}


def require_broker() -> str:
    if not BROKER:
        pytest.skip("no broker configured (set CELERY_BROKER_URL)")
    return BROKER


def database_url() -> str:
    db = connection.settings_dict
    if not db["ENGINE"].endswith("postgresql"):
        pytest.skip("needs a database a second process can open (set DATABASE_URL to PostgreSQL)")
    auth = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    return f"postgresql://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


_HANDED_OUT: set[int] = set()


def free_port() -> int:
    """A port nothing listens on, never the same twice in a run. `PV_TEST_PORTS=first-last`
    keeps the tests inside a range (otherwise the system picks)."""
    first, _, last = os.environ.get("PV_TEST_PORTS", "0-0").partition("-")
    for _ in range(200):
        for port in range(int(first), int(last or first) + 1):
            if port in _HANDED_OUT:
                continue
            with socket.socket() as sock:
                try:
                    sock.bind(("127.0.0.1", port))
                except OSError:
                    continue
                port = sock.getsockname()[1]
            if port not in _HANDED_OUT:
                _HANDED_OUT.add(port)
                return port
        if first != "0":
            _HANDED_OUT.clear()  # the range is used up: reuse ports of finished tests
    raise RuntimeError("no free port in PV_TEST_PORTS")


def dead_broker_url() -> str:
    """A broker URL of the same kind on a closed port: every publish is refused."""
    scheme = BROKER.split("://", 1)[0]
    return f"{scheme}://127.0.0.1:{free_port()}/0"


class Proc:
    """A child process logging to a file, so a chatty child never blocks on a full pipe."""

    def __init__(self, argv: list[str], env: dict, log: Path) -> None:
        self.log = log
        self._fh = log.open("w")
        self.popen = subprocess.Popen(  # noqa: S603 (fixed argv)
            argv, env=env, stdout=self._fh, stderr=subprocess.STDOUT, text=True
        )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, text: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.output():
            if self.popen.poll() is not None:
                pytest.fail(f"process exited early:\n{self.output()[-4000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"{text!r} not seen within {timeout} s:\n{self.output()[-4000:]}")
            time.sleep(0.05)

    def kill9(self) -> None:
        os.kill(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=20)

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=20)
        self._fh.close()


def child_env(*, queue: str, database: str, broker: str, **extra: str) -> dict:
    return {
        **os.environ,
        **FAST,
        "PV_CELERY_WORKER": "1",
        "DJANGO_SETTINGS_MODULE": "pv.settings.test",
        "DATABASE_URL": database,
        "CELERY_BROKER_URL": broker,
        "PV_CELERY_QUEUE": queue,
        **extra,
    }


def start_worker(tmp: Path, *, queue: str, database: str, beat: bool = False, **extra) -> Proc:
    name = f"worker-{uuid.uuid4().hex[:6]}"
    argv = [
        sys.executable, "-m", "celery", "-A", "pv", "worker", "--pool=solo", "-Q", queue,
        "-n", f"{name}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat",
        "-l", "INFO",
    ]  # fmt: skip
    if beat:
        argv += ["-B", "--schedule", str(tmp / f"{name}-beat")]
    env = child_env(queue=queue, database=database, broker=require_broker(), **extra)
    proc = Proc(argv, env, tmp / f"{name}.log")
    proc.wait_for("ready.")
    return proc


def start_gunicorn(tmp: Path, *, database: str, broker: str, workers: int = 2, **extra) -> tuple:
    port = free_port()
    env = child_env(queue="pv-test-unused", database=database, broker=broker, **extra)
    argv = [
        sys.executable, "-m", "gunicorn", "pv.wsgi", "-b", f"127.0.0.1:{port}",
        "-w", str(workers), "--timeout", "60", "--access-logfile", "-",
    ]  # fmt: skip
    proc = Proc(argv, env, tmp / f"gunicorn-{port}.log")
    proc.wait_for("Booting worker", timeout=60)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return proc, f"http://127.0.0.1:{port}"
        time.sleep(0.1)
    pytest.fail("gunicorn did not listen:\n" + proc.output()[-4000:])
    return proc, ""


class TcpProxy:
    """127.0.0.1:<port> -> target. `cut()` drops every connection and refuses new ones (the
    database went away); `restore()` lets them through again."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self.up = True
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        self.lock = threading.Lock()
        self.server = socket.create_server(("127.0.0.1", self.port))
        self.server.settimeout(0.2)
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while self.running:
            try:
                client, _ = self.server.accept()
            except OSError:
                continue
            if not self.up:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.pairs.append((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        self.up = False
        with self.lock:
            pairs, self.pairs = self.pairs, []
        for pair in pairs:
            for s in pair:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()

    def restore(self) -> None:
        self.up = True

    def close(self) -> None:
        self.running = False
        self.cut()
        self.server.close()


def forget_queue(queue: str) -> None:
    """Drop a test queue from Redis: its pending messages, its bindings, and the unacked
    entries of a killed worker (which would otherwise wait for the visibility timeout)."""
    if not BROKER.startswith("redis"):
        return
    import redis  # noqa: PLC0415 (only with a Redis broker)

    client = redis.Redis.from_url(BROKER)
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    for tag, raw in client.hgetall("unacked").items():
        try:
            routing_key = json.loads(raw)[2]
        except (ValueError, IndexError, TypeError):
            continue
        if routing_key == queue:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)
