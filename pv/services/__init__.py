"""Writes to pv's own models. Import from the submodules: `pv.services.cases`, `...members`."""
