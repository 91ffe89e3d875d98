# The course's commands. `make run` and `make test` set everything up on a fresh machine.
PY      ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))
NB      ?=
QUICK   ?= 1
# e.g. TORCH_INDEX="--index-url https://download.pytorch.org/whl/cpu" for the CPU-only build of PyTorch
TORCH_INDEX ?=

.PHONY: venv run refresh seeds test lint figures bench site student colab clean

$(STAMP): pyproject.toml
	@echo "Setting up $(VENV): PyTorch with its CUDA libraries is a download of several GB (once); see the README"
	@echo "for the smaller CPU-only build. pip shows its progress below."
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install $(TORCH_INDEX) torch==2.14.1 torchvision==0.29.1
	$(BIN)/pip install --quiet -e ".[dev]"
	$(BIN)/pip install --quiet --no-deps d2l==1.0.3
	touch $(STAMP)

venv: $(STAMP)  ## create .venv with torch, the notebooks' packages and the test tools

run: $(STAMP)  ## execute the notebooks into runs/ with progress (NB=7.6 for one, QUICK=0 to train as the book does)
	$(BIN)/python scripts/run_notebooks.py --out runs $(if $(filter 0,$(QUICK)),--full,--quick) $(NB)

refresh: $(STAMP)  ## maintainers: re-execute the committed notebooks in place, quick mode, one thread (NB=... for some)
	OMP_NUM_THREADS=1 $(BIN)/python scripts/run_notebooks.py --in-place --quick $(NB)

seeds: $(STAMP)  ## re-execute notebooks with other seeds, all asserts checked: make seeds NB=7.6 SEEDS="101 202 303"
	OMP_NUM_THREADS=1 $(BIN)/python scripts/run_seeds.py $(or $(NB),7.6 8.2 8.6) $(if $(filter 0,$(QUICK)),--full) --seeds $(or $(SEEDS),101 202 303)

test: $(STAMP) lint  ## unit tests, nbval on every notebook (quick mode), hygiene checks
	D2LCORE_QUICK=1 $(BIN)/pytest

lint: $(STAMP)  ## ruff over the package, tests, scripts and notebooks
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

figures: $(STAMP)  ## redraw every figure in images/
	$(BIN)/python -m figures images

bench: $(STAMP)  ## speed measurements; writes benchmarks/RESULTS.md
	$(BIN)/python benchmarks/run_all.py

site: $(STAMP)  ## the course website (Jupyter Book, offline maths) in _site/ (open _site/index.html)
	$(BIN)/python scripts/build_site.py _site

student: $(STAMP)  ## the notebooks without worked solutions, for a class, into student/
	$(BIN)/python scripts/make_student.py student

colab:  ## point the Colab badges and install cells at a GitHub repository: make colab REPO=owner/name
	$(BIN)/python scripts/set_repo.py $(REPO)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache runs student
