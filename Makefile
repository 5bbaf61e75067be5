# Two commands on a fresh machine:
#   make demo   set up, then run the main job on the embedded default
#   make test   set up (with the transformer extra), then lint and run the whole test suite
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip

.PHONY: demo test bench lint setup setup-dev clean

$(VENV)/.base: pyproject.toml
	test -x $(PY) || "$$(scripts/find-python)" -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.dev: $(VENV)/.base
	$(PIP) install --quiet -e '.[dev,ner]'
	touch $@

setup: $(VENV)/.base
setup-dev: $(VENV)/.dev

demo: setup
	$(VENV)/bin/rasad extract samples/mashhad_parks.txt --format table

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: lint
	$(PY) -m pytest

bench: setup-dev
	$(PY) bench/extraction.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
