# The README's two commands: `make run` (demo) and `make test` (the suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ADDR   ?= 127.0.0.1:8000
# Extras installed with pv (CI adds `distributed` so the Dask path is tested there too).
EXTRAS ?= dev
comma  := ,
STAMP  := $(VENV)/.installed-$(subst $(comma),-,$(EXTRAS))

.PHONY: run test install lint check bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	touch $(STAMP)

install: $(STAMP)

## Set up and run the embedded demo (SQLite, in-process tasks, seeded data) on 127.0.0.1:8000
## (`make run ADDR=0.0.0.0:8080` to serve elsewhere; email links follow).
run: install
	$(BIN)/pv demo --addr $(ADDR)

## Run the test suite (SQLite + eager tasks unless DATABASE_URL / CELERY_BROKER_URL are set).
test: install
	$(BIN)/lint-imports
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

bench: install
	for script in benchmarks/*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) var
