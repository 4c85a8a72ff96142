# unkg: `make` sets up .venv and builds every document; `make test` runs the tests.
.DEFAULT_GOAL := all
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: all install build test bench serve browser-check clean distclean help

all: build ## set up .venv and build every document under source/ into build/

# Tesseract and the six UN languages' packs, from Debian's packages, for scans without a text layer (OCR)
OCR_PACKS := eng fra spa rus ara chi_sim

$(STAMP): pyproject.toml
	command -v tesseract >/dev/null && [ "$$(tesseract --list-langs 2>/dev/null | grep -cxE '$(subst $() ,|,$(OCR_PACKS))')" = $(words $(OCR_PACKS)) ] || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr $(foreach p,$(OCR_PACKS),tesseract-ocr-$(subst _,-,$(p)))) || \
	  echo "unkg: could not install Tesseract (Debian: tesseract-ocr and packs $(OCR_PACKS)): scans without a text layer will not be read"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(STAMP) ## create .venv and install unkg with its test tools

build: $(STAMP) ## run the pipeline: parse, map, validate, publish into build/
	$(BIN)/unkg build

test: $(STAMP) ## run the test suite
	$(BIN)/python -m pytest -q

serve: build ## serve SPARQL (read-only) at http://127.0.0.1:8000/sparql
	$(BIN)/unkg serve

browser-check: build ## headless Chromium uses the site (search, pages, downloads, query page) on the build and a generated corpus; screenshots to build/browser/
	command -v chromium >/dev/null && fc-list :lang=zh | grep -q . || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei)
	$(BIN)/python scripts/browser_check.py

BENCH_SIZES ?= 1000 10000
BENCH_SIZE ?= 10000

bench: $(STAMP) ## time the stages; unkg build vs the straightforward pipeline at BENCH_SIZES (add 100000: the 100k figures); Dask, push, site at BENCH_SIZE
	$(BIN)/python bench/stages.py
	$(BIN)/python bench/stages.py --corpus 300
	$(BIN)/python bench/textsize.py
	$(BIN)/python bench/scale.py --sizes $(BENCH_SIZES)
	$(BIN)/python bench/dask_overhead.py --sizes $(BENCH_SIZE)
	$(BIN)/python bench/push.py --size $(BENCH_SIZE)
	$(BIN)/python bench/site.py --size $(BENCH_SIZE)

clean: ## remove generated output (build/ and the folders beside it that `unkg build` made; it names them)
	@if [ -x $(BIN)/unkg ]; then $(BIN)/unkg clean; else echo "unkg is not installed in $(VENV): nothing it built to remove"; fi

distclean: clean ## also remove .venv and caches
	rm -rf -- ./$(VENV) ./.pytest_cache ./.hypothesis

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  %-10s %s\n", $$1, $$2}'
