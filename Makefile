# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test bench lint clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test,postgresql]'
	touch $@ $(STAMP)

run: $(STAMP)
	$(VENV)/bin/carnet-tui $(ARGS)

test: $(TEST_STAMP)
	$(VENV)/bin/ruff check carnet_tui tests bench
	$(PY) -m pytest -q $(PYTEST_ARGS)

bench: $(TEST_STAMP)
	$(PY) -m bench.run

lint: $(TEST_STAMP)
	$(VENV)/bin/ruff check carnet_tui tests bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
