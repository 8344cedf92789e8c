"""Reference safety information (RSI): the reactions a product's label already lists.

A reviewer keeps, per product, the list of expected (listed) terms from its reference safety
document (SmPC 4.8, USPI "Adverse Reactions", Investigator's Brochure). Expectedness on the
case page and listedness in signal prioritisation read this one list.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from pv.core.models import TimeStampedModel

from .accounts import Product


def term_key(term: str) -> str:
    """How two spellings of one term are compared: case, spacing and punctuation ignored."""
    return " ".join("".join(c if c.isalnum() else " " for c in term.casefold()).split())


class ReferenceTerm(TimeStampedModel):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="reference_terms")
    term = models.CharField(max_length=250, help_text="Preferred term as the label lists it")
    term_key = models.CharField(max_length=250, editable=False)
    code = models.CharField(
        max_length=50, blank=True, help_text="PT code in `terminology` when known"
    )
    terminology = models.CharField(max_length=100, blank=True, help_text="meddra | pv-open | …")
    source = models.CharField(
        max_length=200, blank=True, help_text="The reference document, e.g. 'SmPC 4.8, 2024-03'"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["product", "term_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "term_key"], name="reference_term_unique_per_product"
            )
        ]

    def save(self, *args, **kwargs):
        self.term_key = term_key(self.term)
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.product}: {self.term}"
