# Two commands do all the set-up on a fresh clone (see README):
#   make results   -> builds .venv, runs the headline experiment, writes figures into results/
#   make test      -> builds .venv, runs the test suite
# .venv is rebuilt when pyproject.toml changes.
PYTHON ?= python3.12
VENV := .venv
BIN := $(VENV)/bin

.PHONY: results test lint bench clean browser screenshot

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

results: $(VENV)/.installed
	$(BIN)/python experiments/headline.py

# The dashboard's browser test drives Debian's Chromium (browsers cannot be downloaded here)
# and needs Solara's web files, unpacked from npm into .venv (the page's CDN is not reachable).
# Both steps install only what is missing.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

browser: $(VENV)/.installed
	test -x /usr/bin/chromium || ($(SUDO) apt-get update && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)
	$(BIN)/python -m abm.dashboard.assets

test: $(VENV)/.installed browser
	$(BIN)/ruff format --check src tests experiments benchmarks
	$(BIN)/ruff check src tests experiments benchmarks
	$(BIN)/python -m pytest -n 2 -m "not alone"
	$(BIN)/python -m pytest -m alone

# Regenerates the committed dashboard picture (the test alone writes to a temporary folder).
screenshot: $(VENV)/.installed browser
	ABM_SCREENSHOT=results/dashboard.png $(BIN)/python -m pytest -q tests/test_dashboard_browser.py

lint: $(VENV)/.installed
	$(BIN)/ruff format src tests experiments benchmarks
	$(BIN)/ruff check --fix src tests experiments benchmarks

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/bench_engine.py

clean:
	rm -rf $(VENV)
