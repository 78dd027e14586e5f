#!/usr/bin/env bash
# `make autograder KEY=lessons/en/01-attention.md`: dist/autograder.zip in Gradescope's layout,
#   setup.sh         checks the binary runs on Gradescope's image (nothing to install)
#   run_autograder   docs/run_autograder: finds the student's .md file and grades it
#   stepmark         the self-contained binary of `make dist`
#   NAME.md          the teacher's key, under the assignment's own file name
#   late_policy.txt  only when LATE_POLICY is set (make autograder LATE_POLICY='10%/day,max=50%'):
#                    run_autograder applies it with Gradescope's submission_metadata.json
#   roster.csv       only when ROSTER is set (make autograder ROSTER=roster.csv, the roster of
#                    assign --variants): each file must hold its submitter's own numbers
# Usage: [LATE_POLICY=SPEC] [ROSTER=CSV] packaging/autograder.sh KEY [BINARY] [OUT.zip]
set -euo pipefail
cd "$(dirname "$0")/.."

KEY=${1:?usage: packaging/autograder.sh KEY [BINARY] [OUT.zip]}
VERSION=$(sed -n 's/^let stepmarkVersion = "\(.*\)"$/\1/p' Sources/stepmark/Stepmark.swift)
BINARY=${2:-dist/stepmark-$VERSION-linux-$(uname -m)/bin/stepmark}
OUT=${3:-dist/autograder.zip}

[ -f "$KEY" ] || { echo "autograder: no key at '$KEY' (make autograder KEY=path/to/key.md)" >&2; exit 2; }
case $KEY in *.md) ;; *) echo "autograder: the key must be a .md file, got '$KEY'" >&2; exit 2 ;; esac
[ "$(basename "$KEY")" != README.md ] || { echo "autograder: a key named README.md would be skipped; rename it" >&2; exit 2; }
[ -x "$BINARY" ] || { echo "autograder: no binary at '$BINARY' (run make dist first)" >&2; exit 2; }

# A key whose own answers fail would fail every student: refuse it here, with stepmark's
# report, rather than at the first submission.
if ! "$BINARY" check "$KEY" > /dev/null; then
    "$BINARY" check "$KEY" >&2 || true
    echo "autograder: the key's own answers do not pass 'stepmark check $KEY' (above); fix the key first" >&2
    exit 1
fi

# A late policy is checked here (stepmark exits 2 on a policy it cannot read), so that a typo
# fails the build of the zip rather than every student's grading.
POLICY_FILE=
if [ -n "${LATE_POLICY:-}" ]; then
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    printf '{}' > "$tmp/metadata.json"
    status=0
    "$BINARY" check "$KEY" --late-policy "$LATE_POLICY" --submission-metadata "$tmp/metadata.json" > /dev/null 2> "$tmp/err" || status=$?
    if [ "$status" -ge 2 ]; then
        cat "$tmp/err" >&2
        echo "autograder: LATE_POLICY='$LATE_POLICY' is not a late policy stepmark reads (docs/GRADING.md, Late policy)" >&2
        exit 2
    fi
    printf '%s\n' "$LATE_POLICY" > "$tmp/late_policy.txt"
    POLICY_FILE=$tmp/late_policy.txt
fi

# A roster is read here as stepmark will read it, so that a broken one fails the zip's build.
ROSTER_FILE=
if [ -n "${ROSTER:-}" ]; then
    [ -f "$ROSTER" ] || { echo "autograder: no roster at '$ROSTER'" >&2; exit 2; }
    rtmp=$(mktemp -d)
    printf '{"users": []}' > "$rtmp/metadata.json"
    if ! "$BINARY" check "$KEY" --key "$KEY" --roster "$ROSTER" --submission-metadata "$rtmp/metadata.json" > /dev/null 2> "$rtmp/err"; then
        if grep -q "^error:" "$rtmp/err"; then
            cat "$rtmp/err" >&2
            echo "autograder: ROSTER='$ROSTER' is not a roster stepmark reads (columns id, name; docs/GRADING.md)" >&2
            rm -rf "$rtmp"
            exit 2
        fi
    fi
    rm -rf "$rtmp"
    ROSTER_FILE=$ROSTER
fi

mkdir -p "$(dirname "$OUT")"
# Written with python3's zipfile so that the modes (executable or not) are explicit and the
# archive is the same bytes for the same inputs.
python3 - "$OUT" "$KEY" "$BINARY" "$POLICY_FILE" "$ROSTER_FILE" <<'EOF'
import os, sys, zipfile
out, key, binary, policy, roster = sys.argv[1:6]
entries = [
    ("setup.sh", "packaging/setup.sh", 0o755),
    ("run_autograder", "docs/run_autograder", 0o755),
    ("stepmark", binary, 0o755),
    (os.path.basename(key), key, 0o644),
]
if policy:
    entries.append(("late_policy.txt", policy, 0o644))
if roster:
    entries.append(("roster.csv", roster, 0o644))
partial = out + ".partial"
with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as z:
    for name, path, mode in entries:
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.external_attr = (0o100000 | mode) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        with open(path, "rb") as f:
            z.writestr(info, f.read())
os.replace(partial, out)
EOF
echo "autograder: $OUT (key $(basename "$KEY"); upload it as the assignment's autograder on Gradescope)"
