# The course's commands. `make run` and `make test` set everything up on a fresh machine.
PY      ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))
NB      ?=
QUICK   ?= 1
DATA    ?= ../shared/data
# e.g. TORCH_INDEX="--index-url https://download.pytorch.org/whl/cpu" for the CPU-only build of PyTorch
TORCH_INDEX ?=

.PHONY: venv run refresh seeds test lint figures bench site student colab colab-check grade clean carry-data gpu-check

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

figures: $(STAMP)  ## redraw every figure in images/ and embed the new drawings in the notebooks that show them
	$(BIN)/python -m figures images

bench: $(STAMP)  ## speed measurements; writes benchmarks/RESULTS.md
	$(BIN)/python benchmarks/run_all.py

carry-data: $(STAMP)  ## pack the data sets and the wheels a GPU image lacks into carry/ (git-ignored) for gpu-check
	mkdir -p carry/wheels
	tar -C $(DATA) -cJf carry/data.tar.xz FashionMNIST MNIST
	$(BIN)/pip download --quiet --dest carry/wheels --only-binary=:all: --python-version 3.12 \
		--platform manylinux2014_x86_64 nbval nbclient ipykernel matplotlib-inline
	$(BIN)/pip download --quiet --dest carry/wheels --no-deps d2l==1.0.3
	du -sh carry

gpu-check:  ## on a GPU machine (its own python3): the whole GPU validation, <= 8 min; writes $$OUT or runs/gpu-check
	python3 scripts/gpu_check.py

site: $(STAMP)  ## the course website (Jupyter Book, offline maths) in _site/ (open _site/index.html)
	$(BIN)/python scripts/build_site.py _site

student: $(STAMP)  ## the notebooks without worked solutions, for a class, into student/
	$(BIN)/python scripts/make_student.py student

grade: $(STAMP)  ## grade completed student notebooks: make grade SUBMISSIONS=folder (report in grades/)
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=folder-of-notebooks [OUT=grades]"; exit 2; }
	$(BIN)/python -m grading.grade $(SUBMISSIONS) --out $(or $(OUT),grades)

colab:  ## point the Colab and Kaggle badges and the install cells at a GitHub repository: make colab REPO=owner/name
	$(BIN)/python scripts/set_repo.py $(REPO)

colab-check: $(STAMP)  ## run every notebook as on Colab: alone, only Colab's packages, its own install cell, data from a local mirror (KAGGLE=1: as on Kaggle; NB=...)
	$(BIN)/python scripts/colab_check.py $(if $(KAGGLE),--kaggle) $(if $(filter 0,$(QUICK)),--full) $(NB)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache runs student grades
