"""Pure screening core (spaCy, no Django/DRF/Celery): see `intake.nlp.pipeline`."""

from intake.nlp.pipeline import load_pipeline, pipeline_version, screen_texts

__all__ = ["load_pipeline", "pipeline_version", "screen_texts"]
