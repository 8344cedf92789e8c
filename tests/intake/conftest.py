"""Screening tests share one pipeline per session (it loads in a few seconds)."""

import pytest

from intake.nlp import load_pipeline, screen_texts


@pytest.fixture(scope="session")
def screen():
    load_pipeline()

    def run(text: str, **item) -> dict:
        return next(screen_texts([{"id": "t", "text": text, **item}]))

    return run


def events(result: dict) -> dict[str, dict]:
    return {m["text"].lower(): m for m in result["mentions"] if m["kind"] == "event"}


def drugs(result: dict) -> dict[str, dict]:
    return {m["text"].lower(): m for m in result["mentions"] if m["kind"] == "drug"}
