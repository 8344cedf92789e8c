"""Held-out style mutants, part 2: hand-written faults across elements.

Each function breaks one ICH or FDA rule that ties elements together (routing ids, dates in
order, required blocks, pairs, references, identifiers, formats) in an FDA example, or returns
False when the example gives it nothing to break (then no mutant is made from it). Functions
named for rules FDA's own examples break (a duplicate drug id in 5-3, a death before birth
in 6) are left out: those are not faults a gateway rejects.
"""

from __future__ import annotations

from . import header, patient, regional

FAULTS: dict = {}
for _module in (header, patient, regional):
    for _name, _fault in sorted(vars(_module).items()):
        if _name.startswith("f_"):  # written here or made by a `_base` builder
            FAULTS.setdefault(_name[2:], _fault)  # one a module imports from another counts once
