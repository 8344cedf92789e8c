"""The command line's numpy-only path: no pandas, no scipy (docs/signals.md, "Start-up")."""
