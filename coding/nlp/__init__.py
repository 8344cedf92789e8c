"""Pure coding core: drug and event dictionaries, licensed-file loaders, suggestions, search.

No Django, DRF or Celery here (import-linter enforces it). Public entry points:

- `default_drugs()`, `default_events()`: the embedded open dictionaries (loaded once);
  `dictionary_versions()` gives their terminology name + version for storing with results.
- `load_meddra(dir)`, `load_rxnorm(dir)`, `load_whodrug(path, version=, layout=)`: licensed files.
- `suggest_events(text)`, `suggest_drugs(text)`: top-5 candidates with scores for a mention.
- `search(query, kind="event"|"drug")`: fuzzy dictionary search.
"""

from coding.nlp.dictionaries import (
    DrugDictionary,
    EventDictionary,
    default_drugs,
    default_events,
    dictionary_versions,
)
from coding.nlp.loaders import DictionaryFileError, load_meddra, load_rxnorm, load_whodrug
from coding.nlp.matching import search, suggest_drugs, suggest_events

__all__ = [
    "DictionaryFileError",
    "DrugDictionary",
    "EventDictionary",
    "default_drugs",
    "default_events",
    "dictionary_versions",
    "load_meddra",
    "load_rxnorm",
    "load_whodrug",
    "search",
    "suggest_drugs",
    "suggest_events",
]
