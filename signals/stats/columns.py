"""The columns of a signals result table (no imports: the numpy-only path uses them too)."""

# The CLI's output columns, in order (the contract).
OUTPUT_COLUMNS = [
    "drug",
    "event",
    "n",
    "expected",
    "rr",
    "prr",
    "prr_lower95",
    "prr_upper95",
    "chi2",
    "ror",
    "ror_lower95",
    "ror_upper95",
    "ic",
    "ic025",
    "ic975",
    "ebgm",
    "eb05",
    "eb95",
]
