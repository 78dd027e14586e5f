#!/usr/bin/env bash
# Runs the libFuzzer targets one after another, each for SECONDS (default 60), single process.
#
#   Fuzz/fuzz.sh [SECONDS] [TARGET...]      (targets: FuzzLesson FuzzInfoString FuzzExpression FuzzAnswer)
#
# First replays Fuzz/regressions/<target>/ (inputs that once crashed), then fuzzes from a fresh
# seed corpus (seeds.py: lessons, the malformed corpus, the grading fixtures) plus the corpus
# earlier runs grew in Fuzz/.corpus/<target>/, with the directive dictionary stepmark.dict.
# A crash leaves its input in Fuzz/.artifacts/<target>/ and makes the script exit 1; the log
# is in Fuzz/.logs/<target>.log. Nothing here is committed except the regressions.
set -uo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(FuzzLesson FuzzInfoString FuzzExpression FuzzAnswer)
swift=${SWIFT:-swift}

# ld.gold warns "Cannot export local symbol '__asan_…'" for every instrumented object: harmless.
build() { $swift build -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library >.build-fuzz.log 2>&1; }
build
code=$?
# SwiftPM keeps the parent package's file list in this package's build folder: a source file
# added to stepmark since the last fuzz build is not seen ("cannot find type"). Start clean once.
if [ $code -ne 0 ] && grep -q "cannot find" .build-fuzz.log; then
    rm -rf .build
    build
    code=$?
fi
grep -v "Cannot export local symbol" .build-fuzz.log | grep -E "error|warning: " >&2
if [ $code -ne 0 ]; then echo "fuzz: the build failed; see Fuzz/.build-fuzz.log" >&2; exit 2; fi
for t in "${targets[@]}"; do
    [ -x .build/debug/$t ] || { echo "fuzz: $t was not built" >&2; exit 2; }
done
rm -rf .seeds && python3 seeds.py .seeds >/dev/null
mkdir -p .logs
export SWIFT_BACKTRACE=enable=no   # the Swift backtracer hangs under libFuzzer; ASan reports instead
# A `model` block must not load the real all-MiniLM-L6-v2 (found in .cache/models above this
# folder): 90 MB per input, kept by the process-wide model cache, which LeakSanitizer reports.
export STEPMARK_MODEL_DIR="$PWD/.no-models"
# Swift's Regex compiler leaks a little on every pattern it compiles; see lsan.supp.
export LSAN_OPTIONS="suppressions=$PWD/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
status=0
for t in "${targets[@]}"; do
    case $t in
        FuzzLesson) max_len=16384 ;;
        FuzzInfoString) max_len=512 ;;
        FuzzExpression) max_len=2048 ;;
        *) max_len=8192 ;;
    esac
    mkdir -p .corpus/$t .artifacts/$t
    common=(-timeout=20 -rss_limit_mb=3072 -malloc_limit_mb=1024 -artifact_prefix=.artifacts/$t/)
    if compgen -G "regressions/$t/*" >/dev/null; then
        if ! .build/debug/$t "${common[@]}" regressions/$t/* >.logs/$t-regressions.log 2>&1; then
            echo "fuzz: $t: a regression input fails again; see Fuzz/.logs/$t-regressions.log" >&2
            status=1
            continue
        fi
    fi
    .build/debug/$t "${common[@]}" -max_total_time=$seconds -max_len=$max_len -dict=stepmark.dict \
        -print_final_stats=1 .corpus/$t .seeds/$t >.logs/$t.log 2>&1
    code=$?
    runs=$(grep -a "stat::number_of_executed_units" .logs/$t.log | awk '{print $2}')
    if [ $code -ne 0 ]; then
        echo "fuzz: $t FAILED after ${runs:-?} runs; input in Fuzz/$(ls -t .artifacts/$t/* 2>/dev/null | head -1)" >&2
        grep -a -E "ERROR|Fatal error|SUMMARY" .logs/$t.log | head -5 >&2 || true
        status=1
    else
        echo "fuzz: $t ok: ${runs:-?} runs in ${seconds} s, corpus $(ls .corpus/$t | wc -l) inputs"
    fi
done
exit $status
