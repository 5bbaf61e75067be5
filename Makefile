# Two commands on a fresh machine:
#   make demo   set up, then run the main job on the embedded default (SQLite): local copies
#               of the news sites are crawled, their figures indexed, the page served
#   make test   set up (with the transformer extra, a JDK and Maven), lint, run all tests
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
RASAD  := $(VENV)/bin/rasad
DEMO   := RASAD_STORE=sqlite:///$(CURDIR)/var/demo.db $(RASAD)
PORT   ?= 8000

.PHONY: demo test test-cluster bench lint setup setup-dev clean

$(VENV)/.base: pyproject.toml web/package-lock.json
	test -x $(PY) || "$$(scripts/find-python)" -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	scripts/build-web
	touch $@

$(VENV)/.dev: $(VENV)/.base
	scripts/system-deps
	$(PIP) install --quiet -e '.[dev,ner]'
	touch $@

setup: $(VENV)/.base
setup-dev: $(VENV)/.dev

demo: setup
	$(DEMO) demo --port $(PORT)

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: lint
	$(PY) -m pytest

# the three-node Elasticsearch test alone (it is part of `make test` too)
test-cluster: setup-dev
	$(PY) -m pytest tests/test_es_cluster.py

bench: setup-dev
	$(PY) bench/extraction.py
	$(PY) bench/metrics.py
	$(PY) bench/stories.py
	$(PY) bench/store.py
	$(PY) bench/crawl.py
	$(PY) bench/api.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .hypothesis
