# Everything a fresh machine needs is installed from this file and pyproject.toml.
VENV ?= .venv
PY := $(VENV)/bin/python
DB ?= autointel.db

.PHONY: setup browser postgres demo demo-cli test bench roundtrip eval clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

# The main job on the embedded default: ingest the bundled samples (linking their entities, extracting figures
# and claims, tagging topics, grouping stories, indexing for search), show what arrived, then serve the web UI
# on http://127.0.0.1:8000/ (Ctrl-C stops it; `make demo-cli` does the same without the server).
demo: demo-cli
	$(VENV)/bin/autointel serve --db $(DB)

demo-cli: setup
	$(VENV)/bin/autointel ingest samples --db $(DB)
	$(VENV)/bin/autointel stats --db $(DB)
	$(VENV)/bin/autointel entities --db $(DB) --limit 10
	$(VENV)/bin/autointel search "比亚迪 欧洲 交付" --db $(DB) --limit 3
	$(VENV)/bin/autointel search "輝達 自駕 晶片" --db $(DB) --limit 3

# The browser tests drive Debian's Chromium (never `playwright install`, which downloads its own) and need a
# CJK font to render Chinese: both come from Debian's packages.
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list :lang=zh | grep -q .; then \
	  $(if $(shell command -v sudo),sudo,) apt-get install -y --no-install-recommends chromium fonts-noto-cjk \
	  || { $(if $(shell command -v sudo),sudo,) apt-get update && \
	       $(if $(shell command -v sudo),sudo,) apt-get install -y --no-install-recommends chromium fonts-noto-cjk; }; \
	fi

# The store tests run on SQLite and on PostgreSQL: Debian's PostgreSQL when no initdb is found; `test` starts a
# throwaway server (temp folder, unix socket), runs the suite against both backends and removes the server.
postgres:
	scripts/pg_test_server.sh install

test: setup browser postgres
	scripts/pg_test_server.sh run -- env AUTOINTEL_REQUIRE_BROWSER=1 AUTOINTEL_REQUIRE_PG=1 $(PY) -m pytest -q

bench: setup
	$(PY) scripts/bench_ingest.py
	$(PY) scripts/bench_feeds.py
	$(PY) scripts/bench_search.py --db $(DB)

roundtrip: setup
	$(PY) scripts/roundtrip_cer.py

eval: setup
	$(PY) scripts/eval_entities.py --set main
	$(PY) scripts/eval_entities.py --set heldout
	$(PY) scripts/eval_cluener.py
	$(PY) scripts/eval_facts.py
	$(PY) scripts/eval_search.py
	$(PY) scripts/eval_topics.py
	$(PY) scripts/eval_dedup.py

clean:
	rm -rf $(VENV) $(DB) $(DB)-wal $(DB)-shm
