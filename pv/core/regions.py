"""Country -> regulatory region, for routing (EU/EEA members report to EudraVigilance)."""

from __future__ import annotations

# EU member states plus Iceland, Liechtenstein and Norway (EEA).
EU_EEA = frozenset(
    {
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
        "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
        "IS", "LI", "NO",
    }
)  # fmt: skip


def region_of(country: str) -> str:
    country = (country or "").upper()
    if country in EU_EEA:
        return "EU"
    if country == "GB":
        return "UK"
    return country
