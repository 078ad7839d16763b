# Two entry points for a fresh machine: `make demo` (install, then run a search) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The NAS-Bench-201 table: $NASFORGE_NB201, else the copy beside a nasforge checkout.
NB201 ?= $(or $(NASFORGE_NB201),$(wildcard ../shared/benchmarks/nb201))

.PHONY: install demo demo-nb201 test lint docs bench-nb201 bench-overhead bench-regress bench-report clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# the CPU build first: a bare 'torch' requirement would pull a multi-GB CUDA build
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The main job: real training on scikit-learn's digits (embedded, offline), regularized evolution over the
# chain space, then the winner retrained on train + validation and compared with the hand-designed baseline.
demo: $(STAMP)
	study="digits-$$(date +%Y%m%d-%H%M%S)"; \
	$(BIN)/nasforge search --data digits --space chain --strategy evolution --epochs 10 --n-trials 50 --seed 0 \
	  --timeout 150 \
	  --train-param threads=2 --storage sqlite:///nasforge-demo.db --study "$$study" && \
	$(BIN)/nasforge train-best --study "$$study" --storage sqlite:///nasforge-demo.db --epochs 20

# A search of the NAS-Bench-201 table (needs NASFORGE_NB201 or ../shared).
demo-nb201: $(STAMP)
	@if [ -z "$(NB201)" ]; then \
	  echo "Set NASFORGE_NB201 to the folder of nb201_tss.csv.gz" \
	       "(a nasforge checkout has it in ../shared/benchmarks/nb201/)."; exit 2; fi
	$(BIN)/nasforge search --nb201-path "$(NB201)" --dataset cifar10 --strategy local_search \
	  --n-trials 100 --seed 0 --storage sqlite:///nasforge-demo.db --study "nb201-$$(date +%Y%m%d-%H%M%S)"

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

# docs/cli.md from the commands' own help (a test fails when it is out of date)
docs: $(STAMP)
	$(BIN)/python docs/make_cli_reference.py

# the two studies, reports and screenshots behind docs/reading-a-study.md
bench-report: $(STAMP)
	NASFORGE_NB201="$(NB201)" NASFORGE_BIN=$(BIN) bash benchmarks/report_studies.sh out/report

bench-nb201: $(STAMP)
	$(BIN)/nasforge benchmark --nb201-path "$(NB201)" --seeds 100 --json out/nb201-baselines.json

bench-overhead: $(STAMP)
	NASFORGE_NB201="$(NB201)" $(BIN)/python benchmarks/overhead_vs_optuna.py --trials 10000 --repeats 3

# The search loop's overhead against Optuna and its per-trial cost as a study grows, printed beside the figures
# in docs/benchmarks.md, so that a regression shows the day it lands (BENCH_TRIALS=2000 for a quicker look).
BENCH_TRIALS ?= 10000
BENCH_REPEATS ?= 3
bench-regress: $(STAMP)
	NASFORGE_NB201="$(NB201)" $(BIN)/python benchmarks/bench_regress.py --trials $(BENCH_TRIALS) \
	  --repeats $(BENCH_REPEATS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache nasforge-demo.db
