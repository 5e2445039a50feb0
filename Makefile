# SymmetryLab — the two set-up commands are `make demo` and `make test`.
SWIFT ?= swift
DEB_PACKAGES := libopenblas-dev liblapack-dev libsqlite3-dev gnuplot-nox
# The report test opens an HTML report in headless Chromium; the Slurm integration test starts
# a one-node Slurm (slurmctld, slurmd, munged) from these packages; GNU time measures the CPU
# time and peak memory of a hostile spec's refusal.
TEST_PACKAGES := chromium slurm-wlm munge time python3-numpy python3-pandas python3-pytest
SYMLAB := .build/release/symlab

.PHONY: deps build test demo bench fuzz clean

deps:
	@scripts/ensure-deps.sh $(DEB_PACKAGES)

build: deps
	$(SWIFT) build -c release --product symlab

## The test suite (release build: the numerics are tested as they run).
test: deps
	@scripts/ensure-deps.sh $(TEST_PACKAGES)
	$(SWIFT) build -c release --build-tests
	@# The tests' scratch directories (databases, sweeps, Slurm daemons' state) go under one
	@# fresh TMPDIR (0755: the Slurm test's munged runs as user munge), removed afterwards whether the tests pass or not: repeated runs leave no litter.
	@# One BLAS thread for the whole test process: the count is process-wide and results differ in the
	@# last bits with it, so tests running side by side must not change it under each other's
	@# bit-identity checks (BLASThreadTests names this when it is missing). Then python/symlab's tests
	@# load what this build exports (numpy, pandas, pytest from Debian: the system python3).
	@t=$$(mktemp -d "$${TMPDIR:-/tmp}/symlab-test.XXXXXX") && chmod 755 "$$t" && \
	  TMPDIR=$$t OPENBLAS_NUM_THREADS=1 $(SWIFT) test -c release --skip-build && \
	  TMPDIR=$$t PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 -m pytest -q -p no:cacheprovider python/tests; rc=$$?; rm -rf "$$t"; exit $$rc

## The main job: Kiani et al. Figure 1 (hard classes vs controls), then the scaling panel for
## H_ER,n (the GNN's samples-to-learn against n beside the family size, its control and
## gf2-elimination: kiani-scaling's demo scale), data + plots + summaries.
demo: build
	$(SYMLAB) figure kiani-fig1 --out results/kiani-fig1
	$(SYMLAB) figure kiani-scaling --scale demo --out results/kiani-scaling-demo
	@echo
	@echo "Figure 1:  results/kiani-fig1/kiani-fig1.png (and .svg); summary results/kiani-fig1/summary.txt; report results/kiani-fig1/index.html"
	@echo "Scaling:   results/kiani-scaling-demo/kiani-scaling.png (and .svg); summary results/kiani-scaling-demo/summary.txt; report results/kiani-scaling-demo/index.html"

## Fuzz the experiment-spec and override parsers: 100,000 seeded inputs, each must end in a
## clear error or a valid spec within 2 s (a short run of the same is in `make test`).
FUZZ_SEED ?= 1
FUZZ_COUNT ?= 100000
fuzz: build
	$(SYMLAB) fuzz --count $(FUZZ_COUNT) --seed $(FUZZ_SEED) --time-limit 2

## Benchmarks (not part of `make test`): training steps of the papers' networks next to PyTorch
## and JAX on the CPU (installed once into $(BENCH_VENV) from a CPU-only torch wheel, never the
## ~5 GB CUDA build), sweep throughput on 1 vs 2 worker processes, GEMM and framework overhead.
BENCH_VENV := .venv-bench
bench: build
	bench/peers/setup-venv.sh $(BENCH_VENV)
	$(SYMLAB) bench steps --peers --rounds 3 --python $(BENCH_VENV)/bin/python --json results/bench/steps.jsonl
	$(SYMLAB) bench sweep
	$(SYMLAB) bench core

clean:
	rm -rf .build
