"""What the words around a drug name say about it (pure; used by `intake.nlp.matchers`).

docs/annotation.md's drug conventions, as rules over the normalised tokens of a post:

- **form words are out of the span**: "iron pills", "Procardia XL", "estradiol patch",
  "Moderna booster" -> the name alone, when the name alone is a dictionary name ("flu shot"
  stays whole: "flu" is no drug);
- **a lab reading is no product**: a name of a supplement or of a blood-test analyte followed
  by a reading ("my b12 was low", "uric acid went up", "b12 level") or after a test or a change
  ("checked his cortisol", "HCTZ raises uric acid") is dropped;
- **a word that is as often a food or a lab value as a product** ("iron", "calcium", "garlic",
  `~` in supplements.tsv) is a drug only where the post takes it: after a taking word ("i also
  take iron", "on calcium"), before a form word ("iron infusions"), joined to another drug
  ("fosamax and calcium", "vitamin D3 with K2"), or once the post has taken it so;
- **an event phrase that starts with a one-word drug name and runs further** is the event
  ("insulin resistance", "iron deficiency"), not a drug and a stray word.
"""

from __future__ import annotations

from coding.nlp.text import FORM_WORDS, SALT_WORDS, word_set

# Product-line letters after a brand: part of its name (docs/annotation.md: a combination
# brand is one span).
PRODUCT_LINE = word_set("pm dm ib hct ac d fe es hbp")

# A reading follows: "b12 level", "iron deficiency", "b12 was low", "uric acid went up".
_READING_NOUNS = word_set("""
level levels deficiency deficient count counts test tests testing panel lab labs reading
readings result results number numbers rose rises risen sits sat dropped drops fell climbed
spiked jumped moving under checked tested measured
""")
# A drug named in the name of a condition is no product taken ("heparin induced
# thrombocytopenia", "serotonin syndrome", "aspirin-exacerbated respiratory disease",
# "calcium scan").
_NO_PRODUCT_AFTER = word_set("induced exacerbated syndrome scan")
# Any drug's blood level with a state is a reading ("her digoxin level was high"); a level
# without one is the drug's ("diltiazem raises simvastatin levels").
_LEVELS = frozenset({"level", "levels"})
_LEVEL_STATES = word_set("low high normal elevated toxic up down dropped borderline")
_READING_VERBS = word_set("was is were are been be got get gets went came comes come has had "
                          "have being remains stays stayed checked")
_READING_STATES = word_set("""
low high normal fine ok okay checked tested elevated up down dropped borderline deficient
measured through raised lowered off good bad great rising falling
""")
# ... or a test or a change precedes it: "checked his cortisol", "raises uric acid".
_READING_BEFORE = word_set("""
checked check checks checking tested test tests testing measured measure measures monitor
monitors monitored monitoring watch watches watching raise raises raised raising lower
lowers lowered lowering low high elevated increased decreased deplete depletes depleted
depleting deficient
""")
_DIRECT_STATES = word_set("low high normal elevated borderline deficient")
_DOSE_WORDS = word_set("dose doses dosage strength potency")
_POSSESSIVES = frozenset({"my", "his", "her", "their", "your", "our", "the", "a", "its", "of"})
# A taking word right before the name (over a few filler words): "i also take iron".
_TAKING = word_set("""
take takes taking took started start starting tried try trying added adding add prescribed
recommended on use using used given gave give giving bought buy drink drinking
""")
_FILLERS = word_set("""
also some a an my the daily extra otc still now just any more less over counter this that
her his their our your regular plain liquid high low dose him me them us
""")
_JOINS = frozenset({"and", "with", "plus", "or", ",", "/", "+"})
# ... or the name is the agent of what follows: "Iron made me so constipated".
_AGENT_AFTER = word_set(
    "made makes gave gives caused causes causing upsets constipates helped helps")


def extend_name(norms: list[str], hit: tuple, names: dict) -> tuple:
    """The hit with the salt word or product-line letters written after it, which belong to
    the name ("metoprolol succinate", "Metop tartrate"; a brand's "Advil PM", "Mucinex DM",
    "Claritin-D", "Benicar HCT", "Pepcid AC")."""
    i, j, key, fuzzy = hit
    after = norms[j] if j < len(norms) else ""
    if after in SALT_WORDS or (after in PRODUCT_LINE and any(b for _, b in names.get(key, ()))):
        return (i, j + 1, key, fuzzy)
    return hit


def trim_form(norms: list[str], hit: tuple, names: dict) -> tuple:
    """The hit without form words at its end, when the shorter name is a name too."""
    i, j, key, fuzzy = hit
    while j - i > 1 and norms[j - 1] in FORM_WORDS:
        shorter = " ".join(norms[i:j - 1])
        if shorter not in names:
            break
        j, key = j - 1, shorter
    return (i, j, key, fuzzy)


def names_no_product(norms: list[str], j: int) -> bool:
    """Whether the words after a drug name ending at `j` make it a reading of its level or
    part of a condition's name rather than a product."""
    after = norms[j] if j < len(norms) else ""
    return after in _NO_PRODUCT_AFTER or (after in _LEVELS and any(
        t in _LEVEL_STATES for t in norms[j + 1:j + 5]))


def is_reading(norms: list[str], i: int, j: int, values: bool = False) -> bool:
    """Whether the name at [i, j) is read as a lab value (see the module docstring);
    `values`: a number after it is a value, never a dose ("uric acid 4.9")."""
    n = len(norms)
    if j + 1 < n and norms[j] == "and":
        # "potassium and magnesium were both low": the reading after the second name.
        j += 2
    after = norms[j] if j < n else ""
    if after in _DIRECT_STATES and (norms[j + 1] if j + 1 < n else "") not in _DOSE_WORDS:
        return True  # "Labs: potassium high at 6.0", not "vitamin d high dose"
    if after in _READING_NOUNS or (values and (after.replace(".", "", 1).isdigit() or (
            after in ("from", "at", "of") and j + 1 < n and norms[j + 1][:1].isdigit()))):
        return True
    if after in _READING_VERBS and any(t in _READING_STATES for t in norms[j + 1:j + 4]):
        return True
    k = i - 1
    while k >= 0 and i - k <= 2 and norms[k] in _POSSESSIVES:
        k -= 1
    return k >= 0 and i - k <= 3 and norms[k] in _READING_BEFORE


def taken_here(norms: list[str], i: int, j: int, drug_ends: set[int],
               drug_starts: set[int]) -> bool:
    """Whether a context-only name at [i, j) is taken as a product here."""
    n = len(norms)
    if j < n and (norms[j] in FORM_WORDS or norms[j] in _AGENT_AFTER):
        return True
    if i >= 2 and norms[i - 1] in _JOINS and i - 1 in drug_ends:
        return True
    if j + 1 < n and norms[j] in _JOINS and j + 1 in drug_starts:
        return True
    k = i - 1
    while k >= 0 and i - k <= 3 and norms[k] in _FILLERS:
        k -= 1
    # "low on iron" is a reading, "on iron" a product.
    return k >= 0 and i - k <= 4 and norms[k] in _TAKING and not (
        norms[k] == "on" and k and norms[k - 1] in ("low", "high", "short"))
