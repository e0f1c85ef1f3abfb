# Agency Cloud Suite — `make run` and `make test` work on a fresh machine with Python >= 3.11.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: typecheck migrations-check architecture run test lint format bench fuzz worker clean-db shell browser-deps serve-prod

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is required")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

run: $(STAMP)  ## set up, start the embedded database, migrate, seed, serve on 127.0.0.1:8000 (PORT=8101 make run)
	$(if $(PORT),SUITE_PORT=$(PORT)) $(PY) manage.py serve

test: $(STAMP) browser-deps  ## lint, format check, types, migrations, whole test suite (browser journeys included)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MAKE) --no-print-directory typecheck migrations-check architecture
	SUITE_BROWSER_REQUIRED=1 $(VENV)/bin/pytest -n 2

typecheck: $(STAMP)  ## mypy (django-stubs, djangorestframework-stubs) over the modules listed in pyproject.toml
	$(VENV)/bin/mypy

migrations-check: $(STAMP)  ## fail when a model change has no migration
	$(PY) manage.py makemigrations --check --dry-run

architecture: $(STAMP)  ## apps import each other only through public faces; no import-time cycles
	$(VENV)/bin/pytest tests/architecture -q

# Debian's chromium (driven by Playwright through executable_path: Playwright's own
# browser download cannot work here) and fonts-nanum so Korean renders. Installed with
# apt-get when missing (as root, as CI runs); fails loudly otherwise.
browser-deps:  ## Debian's chromium and fonts-nanum for the browser tests
	@if command -v chromium >/dev/null 2>&1 && test -e /usr/share/fonts/truetype/nanum/NanumGothic.ttf; then \
		:; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "· installing Debian's chromium and fonts-nanum (browser tests)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-nanum >/dev/null; \
	else \
		echo "Browser tests need Debian's chromium and fonts-nanum: run 'apt-get install chromium fonts-nanum' as root." >&2; \
		exit 1; \
	fi

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(STAMP)  ## benchmarks (all, or ONLY=load,faults); figures go to docs/performance.md
	$(PY) -m bench $(if $(ONLY),--only $(ONLY))

serve-prod: $(STAMP)  ## as in production: gunicorn (WORKERS=4) + WhiteNoise + task worker on PORT=8160
	$(if $(PLAIN_HTTP),SERVE_PROD_PLAIN_HTTP=1) PORT=$(or $(PORT),8160) WORKERS=$(or $(WORKERS),4) $(PY) -m bench.serve_prod

fuzz: $(STAMP)  ## longer schemathesis run over the whole API
	SUITE_FUZZ_EXAMPLES=200 $(VENV)/bin/pytest -m fuzz

worker: $(STAMP)  ## the background task worker alone
	$(PY) manage.py db_worker

shell: $(STAMP)
	$(PY) manage.py shell

clean-db:  ## delete the embedded database (demo data is re-seeded by make run)
	rm -rf var/pgdata
