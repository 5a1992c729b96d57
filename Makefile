# omnikop: the README's two commands are `make demo` and `make test`; both build the virtualenv when missing.
PYTHON ?= python3
VENV := .venv
UV_VERSION := 0.13.9
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: demo test lint venv clean airflow audit bench

venv: $(VENV)/.synced

$(VENV)/.synced: pyproject.toml uv.lock
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if v == (3, 11) else f"omnikop needs Python 3.11, found {v[0]}.{v[1]}: run with PYTHON=python3.11")'
	@test -x $(VENV)/bin/uv || { echo "creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV) && $(VENV)/bin/python -m pip install -q uv==$(UV_VERSION); }
	$(VENV)/bin/uv sync --frozen --compile-bytecode --python $(VENV)/bin/python
	@touch $@

demo: venv
	$(VENV)/bin/omnikop demo

airflow: venv
	$(VENV)/bin/omnikop airflow standalone

# Test processes (pytest-xdist): one per core, at most 4; PYTEST_WORKERS=0 runs in this process only.
PYTEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ $$n -gt 4 ] && n=4; echo $$n)

# Type-checked: all the product code (mypy settings in pyproject.toml); tests/ and bench/ are not.
TYPED := connectors core_mapping ledger sync stock reconciliation shu members omnikop foundation dags

test: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy $(TYPED)
	$(VENV)/bin/pytest -n $(PYTEST_WORKERS)

# Known-vulnerable pins in uv.lock fail this (pip-audit; needs PyPI's JSON API or OSV, so it fails without them).
audit: venv
	OMNIKOP_REQUIRE_AUDIT=1 $(VENV)/bin/pytest -q tests/reliability/test_supply_chain.py

# Benchmarks at the sizes of issue 13 (PostgreSQL from OMNIKOP_BENCH_PG_URL, default local trust auth); each
# prints one JSON line. The 100 000-order throughput and 200 000-order memory runs take several minutes each.
bench: venv
	$(VENV)/bin/python bench/throughput.py
	$(VENV)/bin/python bench/memory.py
	$(VENV)/bin/python bench/dag_parse.py
	$(VENV)/bin/python bench/shu.py
	$(VENV)/bin/python bench/recon.py
	$(VENV)/bin/python bench/stock_push.py

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy $(TYPED)

clean:
	rm -rf $(VENV) .omnikop out .pytest_cache .ruff_cache
