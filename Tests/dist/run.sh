#!/usr/bin/env bash
# `make dist-test` (part of `make test`): the dist binary is self-contained.
#
#  1. `ldd` lists no toolchain path and none of the libraries it must carry inside (Swift,
#     FoundationEssentials, cmark-gfm, libyaml) or must not need (OpenBLAS, gfortran, libcurl),
#     and the binary is at most 20 MB (issue 13: full Foundation's ICU data made it 64 MB).
#  2. In a private mount namespace where the Swift toolchain's lib folder, OpenBLAS and the
#     cmark-gfm shared libraries are hidden (empty tmpfs and files mounted over them; the
#     development build is checked to fail there, so the hiding is real), the dist binary runs
#     every lesson in every format, renders the course, assigns, checks and grades a batch, and
#     each output is byte-identical to the development build's, run normally.
#  3. dist/autograder.zip's layout, unpacked into a temporary /autograder-like tree with the
#     same things hidden, grades a right, a wrong and a malformed submission (results.json
#     valid against Gradescope's schema, scores as expected), a file under another name, and
#     explains a submission of several files and one of none.
#
# Usage: Tests/dist/run.sh DIST_BINARY DEV_BINARY. Needs root (unshare -m, mount).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
DIST=$(readlink -f "${1:?usage: Tests/dist/run.sh DIST_BINARY DEV_BINARY}")
DEV=$(readlink -f "${2:?usage: Tests/dist/run.sh DIST_BINARY DEV_BINARY}")
START=$(date +%s)
FAILURES=0
fail() { echo "dist-test: FAIL: $*" >&2; FAILURES=$((FAILURES + 1)); }
pass() { echo "dist-test: ok: $*"; }

if [ "$(id -u)" != 0 ]; then
    echo "dist-test: needs root for a private mount namespace (unshare -m); CI runs as root" >&2
    exit 1
fi

WORK=$(mktemp -d /tmp/stepmark-dist-test.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export NO_COLOR=1

# ---- what to hide -------------------------------------------------------------------------
# ldconfig's cache is read once into a file: `ldconfig -p | awk '…; exit'` under pipefail fails
# with SIGPIPE (141) wherever the cache is larger than a pipe's buffer, as on the CI machines.
ldconfig -p > "$WORK/ldconfig.txt"
library_path() { awk -v n="$1" '$1 == n && !found { print $NF; found = 1 }' "$WORK/ldconfig.txt"; }
SWIFT_BIN=$(readlink -f "$(command -v swift)")
TOOLCHAIN=$(dirname "$(dirname "$SWIFT_BIN")")              # …/usr
HIDE_DIRS=("$TOOLCHAIN/lib")
for so in libopenblas.so.0 libgfortran.so.5; do
    real=$(library_path "$so")
    [ -n "$real" ] && HIDE_DIRS+=("$(dirname "$(readlink -f "$real")")")
done
# cmark-gfm's and libyaml's shared libraries live beside libc: hide the files themselves.
HIDE_FILES=()
for so in libcmark-gfm.so.0.29.0.gfm.6 libcmark-gfm-extensions.so.0.29.0.gfm.6 libyaml-0.so.2; do
    real=$(library_path "$so")
    [ -n "$real" ] && HIDE_FILES+=("$(readlink -f "$real")")
done
# gfortran and OpenBLAS share a folder with libc on some layouts: never hide that one.
LIBC_DIR=$(dirname "$(readlink -f "$(library_path libc.so.6)")")
for i in "${!HIDE_DIRS[@]}"; do
    if [ "${HIDE_DIRS[$i]}" = "$LIBC_DIR" ]; then
        base=${HIDE_DIRS[$i]}
        unset 'HIDE_DIRS[i]'
        for f in "$base"/libopenblas*.so* "$base"/libgfortran.so*; do [ -f "$f" ] && HIDE_FILES+=("$(readlink -f "$f")"); done
    fi
done
mapfile -t HIDE_FILES < <(printf '%s\n' "${HIDE_FILES[@]}" | sort -u)
: > "$WORK/empty"
echo "dist-test: hiding ${HIDE_DIRS[*]} ${HIDE_FILES[*]}"

# Runs a command in a private mount namespace with those folders and files hidden.
hidden() {
    HIDE_DIRS_LIST="${HIDE_DIRS[*]}" HIDE_FILES_LIST="${HIDE_FILES[*]}" EMPTY="$WORK/empty" \
    unshare -m -- bash -c '
        set -e
        mount --make-rprivate /
        # Files first: one may lie inside a folder hidden next.
        for f in $HIDE_FILES_LIST; do mount --bind "$EMPTY" "$f"; done
        for d in $HIDE_DIRS_LIST; do mount -t tmpfs -o ro,size=4k stepmark-hidden "$d"; done
        exec "$@"' hidden "$@"
}

# ---- 1. ldd ---------------------------------------------------------------------------------
ldd "$DIST" > "$WORK/ldd.txt" 2>&1 || true
echo "dist-test: ldd $DIST"; sed 's/^/    /' "$WORK/ldd.txt"
if grep -F -e "$TOOLCHAIN" -e "not found" "$WORK/ldd.txt" >/dev/null \
   || grep -E 'libswift|libFoundation|libdispatch|libBlocksRuntime|libicu|libcmark|libyaml|libopenblas|libgfortran|libcurl' "$WORK/ldd.txt" >/dev/null; then
    fail "ldd lists a toolchain path or a library that should be inside the binary (or not needed)"
else
    pass "ldd lists only system libraries"
fi
SIZE=$(stat -c %s "$DIST")
# The bound catches full Foundation coming back (its ICU data made the binary 64 MB); the
# features of a stop add some 100 KB, so it sits well above today's 20.0 MB and far below 64.
if [ "$SIZE" -gt 24000000 ]; then
    fail "the dist binary is $SIZE bytes, over 24 MB (does a source import full Foundation again?)"
else
    pass "the dist binary is $SIZE bytes (at most 24 MB)"
fi

# ---- the hiding is real ---------------------------------------------------------------------
if hidden "$DEV" --version > /dev/null 2>&1; then
    fail "the development build still runs with the toolchain hidden: the test hides nothing"
else
    pass "the development build cannot start with the toolchain hidden"
fi
if [ "$(hidden "$DIST" --version)" = "$("$DEV" --version)" ]; then
    pass "--version"
else
    fail "--version differs or the dist binary does not start without the toolchain"
fi

# ---- 2. byte-identical outputs ----------------------------------------------------------------
# Runs one command line with both builds (the dist one hidden) and compares stdout, stderr and
# the exit status. The development build runs with STEPMARK_OPENBLAS=off, the kernels the dist
# binary has where OpenBLAS is hidden: no lesson of today's course multiplies matrices large
# enough to load OpenBLAS, but a later one may, and OpenBLAS agrees with the Swift kernels only
# to 1e-12 (tested below and in BLASFallbackTests), not in every last digit of the JSON.
# Gradescope's execution_time is the wall time of grading: it differs on every run.
mask_times() { sed -i -E 's/"execution_time": ?[0-9.e+-]+/"execution_time": T/' "$@"; }

same() {
    local name=$1; shift
    local dev_status=0 dist_status=0
    STEPMARK_OPENBLAS=off "$DEV" "$@" > "$WORK/dev.out" 2> "$WORK/dev.err" || dev_status=$?
    hidden "$DIST" "$@" > "$WORK/dist.out" 2> "$WORK/dist.err" || dist_status=$?
    mask_times "$WORK/dev.out" "$WORK/dist.out"
    if [ "$dev_status" != "$dist_status" ]; then
        fail "$name: exit status $dist_status, the development build's $dev_status"; return
    fi
    if ! cmp -s "$WORK/dev.out" "$WORK/dist.out" || ! cmp -s "$WORK/dev.err" "$WORK/dist.err"; then
        fail "$name: output differs from the development build's"
        diff <(cat "$WORK/dev.out" "$WORK/dev.err") <(cat "$WORK/dist.out" "$WORK/dist.err") | head -10 >&2 || true
        return
    fi
    COMPARED=$((COMPARED + 1))
}

COMPARED=0
# The development build is a debug build without OpenBLAS here: lesson 07's encoder takes it far
# longer than the dist binary, so both get the same generous time limit (it changes no output).
SLOW=(--max-seconds 600)
mapfile -t LESSONS < <(find lessons -name '*.md' ! -name README.md | sort)
for lesson in "${LESSONS[@]}"; do
    formats=(terminal md html json)
    # A lesson with the pretrained encoder takes the debug build without OpenBLAS ~10 s a run:
    # its numbers are compared once, through JSON (the renderers are compared on every other
    # lesson and in the course render below).
    if grep -q '^```model' "$lesson"; then formats=(json); fi
    for format in "${formats[@]}"; do
        same "run $lesson --format $format" run "$lesson" --format "$format" "${SLOW[@]}"
    done
    if [ "${#formats[@]}" -gt 1 ]; then same "step $lesson" step "$lesson" "${SLOW[@]}"; fi
    same "check $lesson" check "$lesson" "${SLOW[@]}"
done
same "directives" directives
same "directives attend" directives attend
same "functions" functions

STEPMARK_OPENBLAS=off "$DEV" render lessons --out "$WORK/render-dev" --format md,html "${SLOW[@]}" > /dev/null
hidden "$DIST" render lessons --out "$WORK/render-dist" --format md,html "${SLOW[@]}" > /dev/null
if diff -r "$WORK/render-dev" "$WORK/render-dist" > "$WORK/render.diff"; then
    COMPARED=$((COMPARED + 1))
else
    fail "render of the course differs"; head -20 "$WORK/render.diff" >&2 || true
fi

# A product large enough for OpenBLAS (100·80·90 multiply-adds): with it hidden, the dist
# binary's Swift kernels give the development build's numbers when that is told not to use
# it, and OpenBLAS's to 1e-12.
printf '```let\nA = random(100, 80, seed=1)\nB = random(80, 90, seed=2)\nC = A @ B\n```\n' > "$WORK/large.md"
"$DEV" run "$WORK/large.md" --format json > "$WORK/large-dev.json" 2>&1 || true
STEPMARK_OPENBLAS=off "$DEV" run "$WORK/large.md" --format json > "$WORK/large-dev-off.json" 2>&1 || true
hidden "$DIST" run "$WORK/large.md" --format json > "$WORK/large-dist.json" 2>&1 || true
if cmp -s "$WORK/large-dev-off.json" "$WORK/large-dist.json"; then
    COMPARED=$((COMPARED + 1))
else
    fail "a large product without OpenBLAS differs from the development build's Swift kernels"
fi
if python3 -c '
import json, sys
def values(path):
    report = json.load(open(path))
    return [x for step in report["steps"] for v in step["values"] if v["name"] == "C" for row in v["data"] for x in row]
a, b = values(sys.argv[1]), values(sys.argv[2])
sys.exit(0 if len(a) == len(b) == 9000 and max(abs(x - y) for x, y in zip(a, b)) <= 1e-12 else 1)
' "$WORK/large-dev.json" "$WORK/large-dist.json"; then
    COMPARED=$((COMPARED + 1))
else
    fail "a large product without OpenBLAS is not within 1e-12 of OpenBLAS's"
fi

GRADING=Tests/StepmarkTests/Fixtures/grading
"$DEV" assign "$GRADING/key.md" --out "$WORK/assign-dev" > /dev/null
hidden "$DIST" assign "$GRADING/key.md" --out "$WORK/assign-dist" > /dev/null
diff -r "$WORK/assign-dev" "$WORK/assign-dist" > /dev/null && COMPARED=$((COMPARED + 1)) || fail "assign differs"

SUBMISSIONS=("$GRADING/correct.md" "$GRADING/partly-wrong.md" "$GRADING/malformed.md" "$GRADING/hostile.md"
             "$GRADING/edited-question.md" "$WORK/missing.md")
for f in "${SUBMISSIONS[@]:0:5}"; do
    same "check $(basename "$f") --key key.md" check "$f" --key "$GRADING/key.md" --format gradescope
done
dev_status=0; dist_status=0
STEPMARK_OPENBLAS=off "$DEV" grade --key "$GRADING/key.md" "${SUBMISSIONS[@]}" --out "$WORK/grade-dev" > /dev/null 2>&1 || dev_status=$?
hidden "$DIST" grade --key "$GRADING/key.md" "${SUBMISSIONS[@]}" --out "$WORK/grade-dist" > /dev/null 2>&1 || dist_status=$?
grep -rl '"execution_time"' "$WORK/grade-dev" "$WORK/grade-dist" 2>/dev/null | while read -r f; do mask_times "$f"; done
if [ "$dev_status" = "$dist_status" ] && [ -s "$WORK/grade-dist/gradebook.csv" ] && diff -r "$WORK/grade-dev" "$WORK/grade-dist" > "$WORK/grade.diff"; then
    COMPARED=$((COMPARED + 1))
else
    fail "grading batch differs (exit $dist_status, development build $dev_status)"; head -20 "$WORK/grade.diff" >&2 || true
fi
pass "$COMPARED command lines gave byte-identical output with the toolchain, OpenBLAS and cmark-gfm hidden"

# ---- the preview, served by the dist binary with the toolchain hidden --------------------------
# Its HTTP server is stepmark's own (no FoundationNetworking, no libcurl): it must answer pages
# and stop cleanly on Ctrl-C without anything the toolchain holds.
hidden "$DIST" preview lessons --port 0 > "$WORK/preview.out" 2> "$WORK/preview.err" &
PREVIEW=$!
url=""
for _ in $(seq 150); do
    url=$(sed -n 's|^stepmark preview: \(http://127\.0\.0\.1:[0-9]*/\).*|\1|p' "$WORK/preview.out")
    [ -n "$url" ] && break
    sleep 0.1
done
if [ -n "$url" ] && python3 - "$url" <<'PY'
import sys, urllib.request
base = sys.argv[1]
for path in ("", "en/01-attention.html", "ko/01-attention.html"):
    with urllib.request.urlopen(base + path, timeout=10) as r:
        body = r.read().decode()
        assert r.status == 200 and "<html" in body and "/_preview/events" in body, path
PY
then
    pass "preview: the dist binary serves the course at $url"
else
    fail "preview: the dist binary did not serve the course ($(head -3 "$WORK/preview.err"))"
fi
# `hidden` is a function, so $! is the subshell that runs it; Ctrl-C goes to its child, the
# binary itself (unshare and bash exec into it).
kill -INT $(cat /proc/"$PREVIEW"/task/*/children 2>/dev/null) 2>/dev/null || true
if wait "$PREVIEW" && grep -x stopped "$WORK/preview.out" > /dev/null; then
    pass "preview: Ctrl-C stops it with status 0"
else
    fail "preview: Ctrl-C did not stop it cleanly"
fi

# ---- 3. the autograder --------------------------------------------------------------------------
ZIP=$WORK/autograder.zip
bash packaging/autograder.sh "$GRADING/key.md" "$DIST" "$ZIP" > /dev/null

# Unpacks the zip into a fresh /autograder-like tree (modes kept, as Gradescope's unzip does),
# puts the given files into submission/, runs setup.sh and run_autograder there with the
# toolchain hidden, and prints the tree's path.
autograde() {
    local tree
    tree=$(mktemp -d "$WORK/autograder.XXXXXX")/autograder
    mkdir -p "$tree/source" "$tree/submission" "$tree/results"
    python3 - "$ZIP" "$tree/source" <<'EOF'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for info in z.infolist():
        path = z.extract(info, sys.argv[2])
        os.chmod(path, (info.external_attr >> 16) & 0o777)
EOF
    # Gradescope's submission metadata, when a test gives one.
    if [ -n "${METADATA:-}" ]; then cp "$METADATA" "$tree/submission_metadata.json"; fi
    while [ $# -gt 0 ]; do
        mkdir -p "$(dirname "$tree/submission/$2")"
        cp "$1" "$tree/submission/$2"
        shift 2
    done
    # (This runs in a command substitution: problems go to a file that expect_results reads.)
    AUTOGRADER_ROOT=$tree hidden "$tree/source/setup.sh" > "$tree/setup.log" 2>&1 || echo "setup.sh failed: $(cat "$tree/setup.log")" >> "$tree/problems"
    AUTOGRADER_ROOT=$tree hidden "$tree/source/run_autograder" > "$tree/run.log" 2>&1 || echo "run_autograder exited $?" >> "$tree/problems"
    echo "$tree"
}

# Checks results.json: valid against the schema, and `python_condition` (on `r`) holds.
expect_results() {
    local name=$1 tree=$2 condition=$3
    if [ -s "$tree/problems" ]; then fail "autograder: $name: $(cat "$tree/problems")"; return; fi
    if python3 - "$tree/results/results.json" "$GRADING/gradescope-results.schema.json" "$condition" <<'EOF'
import json, sys, jsonschema
results = json.load(open(sys.argv[1]))
schema = json.load(open(sys.argv[2]))
jsonschema.Draft202012Validator(schema).validate(results)
r = results
if not eval(sys.argv[3]):
    print(json.dumps(results, ensure_ascii=False)[:600], file=sys.stderr)
    sys.exit(1)
EOF
    then pass "autograder: $name"; else fail "autograder: $name"; fi
}

layout=$(python3 -c 'import sys, zipfile; print(" ".join(sorted(i.filename for i in zipfile.ZipFile(sys.argv[1]).infolist())))' "$ZIP")
[ "$layout" = "key.md run_autograder setup.sh stepmark" ] && pass "autograder.zip holds $layout" || fail "autograder.zip holds $layout"

tree=$(autograde "$GRADING/correct.md" key.md)
expect_results "a right submission scores 8/8" "$tree" 'r["score"] == 8 and all(t["status"] == "passed" for t in r["tests"])'
tree=$(autograde "$GRADING/partly-wrong.md" "my answers.md")
expect_results "a wrong submission under another name scores 4/8" "$tree" 'r["score"] == 4 and any(t["status"] == "failed" for t in r["tests"])'
tree=$(autograde "$GRADING/malformed.md" sub/key.md)
expect_results "a malformed submission scores 0 and says where" "$tree" 'r["score"] == 0 and "line 25, column 1" in r["output"]'
tree=$(autograde "$GRADING/correct.md" a.md "$GRADING/partly-wrong.md" b.md)
expect_results "two files named otherwise are refused, naming them and the expected file" "$tree" \
    'r["score"] == 0 and "a.md, b.md" in r["output"] and "key.md" in r["output"]'
tree=$(autograde "$GRADING/correct.md" '숙제 "1".md' "$GRADING/partly-wrong.md" 'back\slash.md')
expect_results "file names with quotes, backslashes and Hangul stay valid JSON" "$tree" \
    'r["score"] == 0 and "숙제 \"1\".md" in r["output"] and "back\\slash.md" in r["output"]'
tree=$(autograde "$GRADING/partly-wrong.md" notes.md "$GRADING/correct.md" key.md)
expect_results "of two files, the one named like the key is graded" "$tree" 'r["score"] == 8'
tree=$(autograde "$GRADING/correct.md" KEY.MD)
expect_results "a submission named .MD is graded, as stepmark grade does" "$tree" 'r["score"] == 8'
tree=$(autograde "$GRADING/correct.md" $'line\nbreak.md')
expect_results "a file name with a line break is one file" "$tree" 'r["score"] == 8'
tree=$(autograde)
expect_results "an empty submission is explained" "$tree" 'r["score"] == 0 and "No Markdown" in r["output"]'
# A file that is not UTF-8: check exits 2 (unreadable input), and the student still sees the
# zero with where the file stops being UTF-8.
printf '```answer g-dot\n\xff1\n```\n' > "$WORK/latin1.md"
tree=$(autograde "$WORK/latin1.md" key.md)
expect_results "a submission that is not UTF-8 scores 0 and says where" "$tree" \
    'r["score"] == 0 and "line 2, column 1" in r["output"] and "UTF" in r["output"]'

# A late policy packed into the zip, applied with Gradescope's metadata: 34 hours late is two
# started days, 20% of 8 = 1.6 off. Metadata that is not JSON takes nothing off and says so.
ZIP=$WORK/autograder-late.zip
LATE_POLICY='10%/day,max=50%' bash packaging/autograder.sh "$GRADING/key.md" "$DIST" "$ZIP" > /dev/null
layout=$(python3 -c 'import sys, zipfile; print(" ".join(sorted(i.filename for i in zipfile.ZipFile(sys.argv[1]).infolist())))' "$ZIP")
[ "$layout" = "key.md late_policy.txt run_autograder setup.sh stepmark" ] && pass "autograder.zip with a late policy holds $layout" || fail "autograder.zip with a late policy holds $layout"
printf '%s' '{"id": 1, "created_at": "2026-01-03T10:00:00.365935-07:00", "assignment": {"due_date": "2026-01-01T23:59:00.000000-07:00", "late_due_date": null}, "users": [{"email": "s@example.edu", "id": 1, "name": "S"}]}' > "$WORK/late.json"
tree=$(METADATA=$WORK/late.json autograde "$GRADING/correct.md" key.md)
expect_results "a submission two days late loses 20% of its 8 points" "$tree" \
    'abs(r["score"] - 6.4) < 1e-9 and r"Submitted 2 days late\: 20% of the 8 points earned is taken off \(\-1\.6\)\." in r["output"] and r["output_format"] == "md" and r["execution_time"] >= 0'
printf '{not json' > "$WORK/bad.json"
tree=$(METADATA=$WORK/bad.json autograde "$GRADING/correct.md" key.md)
expect_results "metadata that is not JSON takes nothing off and says so" "$tree" \
    'r["score"] == 8 and "The late policy was not applied" in r["output"]'
tree=$(autograde "$GRADING/correct.md" key.md)
expect_results "without metadata the policy is not applied" "$tree" 'r["score"] == 8'
if LATE_POLICY='lots' bash packaging/autograder.sh "$GRADING/key.md" "$DIST" "$WORK/bad.zip" > /dev/null 2>&1; then
    fail "a late policy stepmark cannot read is refused when the zip is built"
else
    pass "a late policy stepmark cannot read is refused when the zip is built"
fi

# A roster packed into the zip (per-student numbers): a file must hold the numbers of whoever
# submitted it, by the metadata's sid or email; a copy of another student's file scores 0.
printf '# V\n\n```let exercise=e1\na = variant + 1\n```\n\n```answer e1\n1\n```\n' > "$WORK/vkey.md"
printf 'id,name,email\ns1,Ann,ann@example.edu\ns2,Bob,bob@example.edu\n' > "$WORK/roster.csv"
ZIP=$WORK/autograder-roster.zip
ROSTER=$WORK/roster.csv bash packaging/autograder.sh "$WORK/vkey.md" "$DIST" "$ZIP" > /dev/null
"$DEV" assign "$WORK/vkey.md" --variants "$WORK/roster.csv" --out "$WORK/hw" > /dev/null
v2=$(grep '^s2,' "$WORK/hw/variants.csv" | cut -d, -f3)
sed "s/^?\$/$((v2 + 1))/" "$WORK/hw/s2/vkey.md" > "$WORK/bob.md"
printf '{"users": [{"email": "bob@example.edu", "sid": "s2"}]}' > "$WORK/bob.json"
printf '{"users": [{"email": "ANN@example.edu", "sid": null}]}' > "$WORK/ann.json"
tree=$(METADATA=$WORK/bob.json autograde "$WORK/bob.md" vkey.md)
expect_results "with a roster, a student's own file is graded" "$tree" 'r["score"] == 1'
tree=$(METADATA=$WORK/ann.json autograde "$WORK/bob.md" vkey.md)
expect_results "with a roster, a copy of another student's file scores 0 and says why" "$tree" \
    'r["score"] == 0 and "submit your own assignment file" in str(r)'

echo "dist-test: $(( $(date +%s) - START )) s"
if [ "$FAILURES" -gt 0 ]; then
    echo "dist-test: $FAILURES failure(s)" >&2
    exit 1
fi
echo "dist-test: all passed"
