"""Parser for FDA FAERS / legacy AERS quarterly ASCII extracts (pure pandas; no Django).

A quarter is a folder (or the FDA zip) with ``$``-separated tables: DEMO (one row per report
version), DRUG and REAC. Two layouts exist and are detected from the DEMO header:

* current FAERS (2012Q4+): ``primaryid`` (a case *version*) = ``caseid`` + ``caseversion``;
  DRUG has ``prod_ai`` (active ingredient) besides ``drugname``; sex in ``sex``;
* legacy AERS (2004-2012Q3): ``isr`` (a version) and ``case``; no ``prod_ai``; sex in
  ``gndr_cod``; every line ends with a ``$`` (an empty trailing column).

Conventions (NOTES.md section 1), each a parameter:
* **latest version per case**: for each case keep the version with the latest ``fda_dt``,
  ties broken by the highest version id (FDA's own recommendation); caseids listed in a
  ``DELE*`` file of the quarter (or passed in ``deleted``) are removed;
* **roles**: PS and SS ("suspect") by default;
* **names**: drug = ``prod_ai`` when present, else ``drugname``; drug and PT text are
  stripped and upper-cased so the two layouts (PTs are mixed case since 2012) line up.

The result has one row per (case, drug, event) with columns ``id`` (caseid: the counting unit),
``primaryid`` (the version kept), ``drug``, ``event``, ``sex`` (F / M / UNK), ``age_group``
(0-17 / 18-44 / 45-64 / 65+ / UNK), ``fda_dt`` and ``quarter`` (e.g. "2017Q2"), ready for
``signals.stats.count_pairs(rows, drug_col="drug", event_col="event", strata=[...])``, and the
report attributes the priority score uses (``signals.stats.priority``):

* ``serious``: the report has an OUTC outcome (DE death, LT life-threatening, HO
  hospitalisation, DS disability, CA congenital anomaly, RI required intervention, OT other
  serious); NA when the quarter has no OUTC file;
* ``country``: ``occr_country``, else ``reporter_country``, when it is a two-letter code
  (current layout only; legacy AERS records no country: "");
* ``dechallenge``: positive dechallenge, ``dechal`` = "Y" on a suspect-drug row naming this
  drug; NA when DRUG has no ``dechal`` column;
* ``completeness``: vigiGrade completeness (``VIGIGRADE_PENALTIES``, as the case path) over the
  dimensions the quarter records: time to onset (DEMO ``event_dt`` and a THER ``start_dt`` of a
  suspect drug), indication (an INDI term for a suspect drug other than "... unknown
  indication"), sex, age (``age`` with a unit, or ``age_grp``), dose (``dose_amt`` or
  ``dose_vbm`` of a suspect drug), country, reporter (``occp_cod``) and report type
  (``rept_cod``). A dimension the quarter cannot record is not penalised: the reaction's outcome
  and free text never (OUTC holds seriousness outcomes, the extracts no narrative), country on
  the legacy layout, and any whose file (THER, INDI) or column is absent.

Modules: ``files`` (tables, layouts), ``attributes`` (the priority attributes), ``reader``.
"""

from signals.faers.attributes import ATTRIBUTE_TABLES, SERIOUS_OUTCOMES
from signals.faers.files import (  # the private three: shared with the counting engines
    AGE_BINS,
    AGE_LABELS,
    DEFAULT_ROLES,
    FaersFormatError,
    _detect_layout,
    _members,
    _quarter,
)
from signals.faers.reader import read_faers_quarter, read_faers_quarters

__all__ = [
    "AGE_BINS",
    "AGE_LABELS",
    "ATTRIBUTE_TABLES",
    "DEFAULT_ROLES",
    "SERIOUS_OUTCOMES",
    "FaersFormatError",
    "_detect_layout",
    "_members",
    "_quarter",
    "read_faers_quarter",
    "read_faers_quarters",
]
