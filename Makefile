# Everything a fresh machine needs is installed from this file and pyproject.toml.
VENV ?= .venv
PY := $(VENV)/bin/python
DB ?= autointel.db

.PHONY: setup demo test bench roundtrip clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

# The main job on the embedded default: ingest the bundled samples, list them, show counts.
demo: setup
	$(VENV)/bin/autointel ingest samples --db $(DB)
	$(VENV)/bin/autointel docs --db $(DB)
	$(VENV)/bin/autointel stats --db $(DB)

test: setup
	$(PY) -m pytest -q

bench: setup
	$(PY) scripts/bench_ingest.py

roundtrip: setup
	$(PY) scripts/roundtrip_cer.py

clean:
	rm -rf $(VENV) $(DB) $(DB)-wal $(DB)-shm
