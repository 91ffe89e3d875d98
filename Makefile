# The course's commands. `make run` and `make test` set everything up on a fresh machine.
PY      ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))

.PHONY: venv run test lint figures bench site clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.14.1 torchvision==0.29.1
	$(BIN)/pip install --quiet -e ".[dev]"
	$(BIN)/pip install --quiet --no-deps d2l==1.0.3
	touch $(STAMP)

venv: $(STAMP)  ## create .venv with torch, the notebooks' packages and the test tools

run: $(STAMP)  ## execute every notebook in place (D2LCORE_QUICK=1 make run for the short version)
	@for nb in $(NOTEBOOKS); do \
	  echo "==> executing $$nb"; start=$$(date +%s); \
	  $(BIN)/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=7200 "$$nb" || exit 1; \
	  echo "    done in $$(( $$(date +%s) - start )) s"; \
	done

test: $(STAMP) lint  ## unit tests, nbval on every notebook (quick mode), hygiene checks
	D2LCORE_QUICK=1 $(BIN)/pytest

lint: $(STAMP)  ## ruff over the package, tests, scripts and notebooks
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

figures: $(STAMP)  ## redraw every figure in images/
	$(BIN)/python scripts/make_figures.py images

bench: $(STAMP)  ## speed measurements; writes benchmarks/RESULTS.md
	$(BIN)/python benchmarks/run_all.py

site: $(STAMP)  ## HTML version of the executed notebooks in _site/ (open _site/index.html)
	$(BIN)/python scripts/build_site.py _site

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
