"""Models arrive with this package's issue."""
