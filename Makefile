# Two commands do all the set-up on a fresh machine with Python 3.11:
#   make serve   build the site and serve it at http://127.0.0.1:8000/
#   make test    run the whole test suite (installs Chromium from Debian for browser tests)
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
export NO_MKDOCS_2_WARNING = 1

.PHONY: serve build test setup setup-dev browser pages export clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

setup: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt

setup-dev: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt

browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  $(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq && \
	  $(if $(filter 0,$(shell id -u)),,sudo) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

serve: setup
	$(BIN)/mkdocs serve --dirty  # rebuilds only the pages an edit changes

build: setup
	$(BIN)/mkdocs build --strict

# Write the generated Markdown pages and exports to out/ (for inspection or another engine).
pages: setup
	$(BIN)/python -m hooks.briefdesk write out

# The pre-built tree (no hooks) in build-tree/, built with Zensical, indexed by Pagefind (README, "Engines").
export: setup-dev
	$(BIN)/python -m hooks.briefdesk export-site build-tree
	cd build-tree && ../$(BIN)/zensical build --strict
	$(BIN)/python -m hooks.briefdesk index build-tree/site

test: setup-dev browser
	npm ci --prefix tests --ignore-scripts --no-audit --no-fund  # axe-core, vnu-jar (tests/package-lock.json)
	$(BIN)/python -m pytest

clean:
	rm -rf site out build-tree .pytest_cache
