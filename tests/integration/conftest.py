"""Fixtures of the fault suite: a queue of the test's own, and the processes it started."""

from __future__ import annotations

import uuid

import pytest

from tests.integration.procs import forget_queue, require_broker


@pytest.fixture
def queue():
    """A queue no other worker consumes; emptied afterwards (sweeps beat sent, a killed
    worker's message) so nothing is left on the broker."""
    require_broker()
    name = f"pv-test-{uuid.uuid4().hex[:8]}"
    yield name
    forget_queue(name)


@pytest.fixture
def procs():
    started: list = []
    yield started
    for proc in started:
        proc.stop()
