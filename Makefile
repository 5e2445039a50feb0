# SymmetryLab — the two set-up commands are `make demo` and `make test`.
SWIFT ?= swift
DEB_PACKAGES := libopenblas-dev liblapack-dev gnuplot-nox
SYMLAB := .build/release/symlab

.PHONY: deps build test demo bench clean

deps:
	@scripts/ensure-deps.sh $(DEB_PACKAGES)

build: deps
	$(SWIFT) build -c release --product symlab

## The test suite (release build: the numerics are tested as they run).
test: deps
	$(SWIFT) build -c release --build-tests
	$(SWIFT) test -c release --skip-build

## The main job. Until the experiments land it runs the core benchmark.
demo: build
	$(SYMLAB) bench core

bench: build
	$(SYMLAB) bench core

clean:
	rm -rf .build
