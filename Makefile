# stepmark — build, render the course, test.
# Every target installs what it needs when it is missing (Debian packages, PyPI), so a fresh
# Debian machine with Swift needs only `make handouts` and `make test`.

SWIFT      ?= swift
STEPMARK   := .build/debug/stepmark
APT_GET    := DEBIAN_FRONTEND=noninteractive apt-get
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps build handouts test unit-tests check-handouts check-notebooks browser-test bench fuzz sanitize clean

all: build

# libcmark-gfm (the Markdown parser), OpenBLAS (large matrix products) and pkg-config, from Debian, only when missing.
deps:
	@if ! dpkg -s libcmark-gfm-dev libcmark-gfm-extensions-dev libopenblas-dev pkg-config >/dev/null 2>&1; then \
		echo "installing libcmark-gfm-dev libcmark-gfm-extensions-dev libopenblas-dev pkg-config"; \
		$(SUDO) $(APT_GET) update -qq && \
		$(SUDO) $(APT_GET) install -y -qq libcmark-gfm-dev libcmark-gfm-extensions-dev libopenblas-dev pkg-config; \
	fi

build: deps
	$(SWIFT) build --product stepmark

# Render every lesson into output/ (Markdown and HTML, plus a course index).
handouts: build
	$(STEPMARK) render lessons --out output --format md,html

# Unit and end-to-end tests, then: the committed output/ must match the lessons, and the
# HTML must work in a real browser.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	$(MAKE) --no-print-directory check-handouts
	$(MAKE) --no-print-directory check-notebooks
	@if [ -f Tests/browser/run.sh ]; then bash Tests/browser/run.sh; fi
	$(MAKE) --no-print-directory fuzz-short

check-handouts: build
	$(STEPMARK) render lessons --out output --format md,html --check

# Every lesson exported as a notebook, executed by Jupyter, every printed sub-step compared
# with stepmark's JSON to 1e-9 (Jupyter's runner from PyPI when missing; the notebooks need only numpy).
check-notebooks: build
	@python3 -c "import numpy" 2>/dev/null || python3 -m pip install -q numpy
	@python3 -c "import nbconvert, nbclient, ipykernel" 2>/dev/null || python3 -m pip install -q nbconvert nbclient ipykernel
	python3 Tests/notebooks/test_check.py
	python3 Tests/notebooks/check.py --stepmark $(STEPMARK) lessons Tests/notebooks/lessons

clean:
	rm -rf .build

# Release build, then kernels and end-to-end figures beside numpy (and Jupyter when installed).
bench: deps
	$(SWIFT) build -c release --product stepmark
	$(SWIFT) build -c release --product StepmarkBench
	@python3 -c "import numpy" 2>/dev/null || python3 -m pip install -q numpy
	python3 bench/run.py

# libFuzzer targets in Fuzz/ (lesson, info string, expression, answer), one after another:
# each replays Fuzz/regressions/ and then fuzzes for FUZZ_SECONDS. A crash leaves its input in
# Fuzz/.artifacts/ and fails the target. Logs: Fuzz/.logs/.
FUZZ_SECONDS ?= 60
fuzz: deps
	bash Fuzz/fuzz.sh $(FUZZ_SECONDS)

# The short bounded run `make test` ends with: 15 s per target.
fuzz-short: deps
	bash Fuzz/fuzz.sh 15

# The test suite under AddressSanitizer, then ThreadSanitizer (the grader works in parallel),
# each in its own build folder; the CLI tests run the sanitized stepmark too.
sanitize: deps
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	STEPMARK_EXECUTABLE=.build-asan/debug/stepmark LSAN_OPTIONS=suppressions=$(CURDIR)/Tests/sanitizers/lsan.supp \
		$(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	STEPMARK_EXECUTABLE=.build-tsan/debug/stepmark $(SWIFT) test --skip-build --sanitize=thread --scratch-path .build-tsan
