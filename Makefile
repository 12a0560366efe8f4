# Two commands do everything on a fresh machine: `make site` and `make test`.
export NO_MKDOCS_2_WARNING := 1
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Mermaid is served from the site itself (no CDN), fetched from the npm registry at a pinned version.
MERMAID_VERSION := 11.6.0
MERMAID_JS := .cache/assets/mermaid-$(MERMAID_VERSION).min.js
# The renderer `make site` builds with: mkdocs (default), properdocs or zensical (README, "Renderers").
RENDERER ?= mkdocs
RENDERERS := mkdocs properdocs zensical

.PHONY: site sites test test-lowest serve check lint clean assets

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev,zensical,properdocs]'
	touch $(STAMP)

$(MERMAID_JS):
	mkdir -p .cache/assets
	cd .cache/assets && npm pack --silent mermaid@$(MERMAID_VERSION) > /dev/null \
		&& tar -xzf mermaid-$(MERMAID_VERSION).tgz package/dist/mermaid.min.js \
		&& mv package/dist/mermaid.min.js $(notdir $(MERMAID_JS)) && rm -rf package mermaid-$(MERMAID_VERSION).tgz

assets: $(MERMAID_JS)

check: $(STAMP)
	$(BIN)/kb check --strict

# `kb check --strict`, then a strict build: `kb build --strict` runs `mkdocs build --strict` for MkDocs.
site: check assets
	$(BIN)/kb build --strict --renderer $(RENDERER)

# The project built by every renderer in turn, as CI does (the last one's site stays in site/).
sites: check assets
	for renderer in $(RENDERERS); do $(BIN)/kb build --strict --renderer $$renderer || exit 1; done

serve: $(STAMP) assets
	$(BIN)/kb serve --renderer $(RENDERER)

lint: $(STAMP)
	$(BIN)/ruff check scripts tests benchmarks
	$(BIN)/mypy
	MYPYPATH=scripts $(BIN)/mypy --strict benchmarks/*.py
	MYPYPATH=scripts:benchmarks $(BIN)/mypy --strict --exclude tests/fixtures tests

test: $(STAMP) assets
	$(BIN)/python -m pytest

# The lowest versions of the renderer's libraries that pyproject.toml admits, with the tests that render.
LOWEST := markdown==3.8 pymdown-extensions==10.14 mkdocs==1.6.0
test-lowest:
	$(PYTHON) -m venv .venv-lowest
	.venv-lowest/bin/python -m pip install --quiet -e '.[dev]' $(LOWEST)
	.venv-lowest/bin/python -m pytest -q tests/test_links.py tests/test_links_agreement.py tests/test_cache.py \
		tests/test_glossary.py tests/test_terms.py tests/test_frontmatter.py tests/test_urls_and_nav.py

clean:
	rm -rf site .pytest_cache .mypy_cache .ruff_cache
