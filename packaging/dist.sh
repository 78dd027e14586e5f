#!/usr/bin/env bash
# `make dist`: one self-contained stepmark for Linux and its tarball,
#   dist/stepmark-VERSION-linux-ARCH.tar.gz
# holding bin/stepmark, man pages, bash/zsh/fish completions, README.md and the licences.
#
# Self-contained means it runs where Swift is not installed: the Swift standard library and
# FoundationEssentials are linked statically (--static-swift-stdlib), and so are libcmark-gfm and libyaml
# (from Debian's -dev packages, which ship the archives). OpenBLAS is never linked: the binary opens
# it with dlopen when a large product needs it and uses its own Swift kernels when it is absent.
# What remains dynamic is glibc, libstdc++ and libgcc_s, present on every Linux distribution.
set -euo pipefail
cd "$(dirname "$0")/.."

SWIFT=${SWIFT:-swift}
BUILD=${DIST_BUILD:-.build-dist}
VERSION=$(sed -n 's/^let stepmarkVersion = "\(.*\)"$/\1/p' Sources/stepmark/Stepmark.swift)
[ -n "$VERSION" ] || { echo "dist.sh: no stepmarkVersion in Sources/stepmark/Stepmark.swift" >&2; exit 1; }
NAME=stepmark-$VERSION-linux-$(uname -m)
STAGE=dist/$NAME

# The module maps and pkg-config ask for -lcmark-gfm and -lyaml, with -L/usr/lib/x86_64-linux-gnu
# (where the .so files are) first. Copies of libcmark-gfm.pc and yaml-0.1.pc whose libdir is a
# folder holding only the three archives, found first through PKG_CONFIG_PATH, make the linker
# take the .a files instead.
STATIC=$PWD/$BUILD/static-libs
mkdir -p "$STATIC/pkgconfig"
static_pc() {  # PKG-CONFIG-NAME DEBIAN-PACKAGES ARCHIVE...
    local pc=$1 packages=$2 libdir pcdir lib
    shift 2
    libdir=$(pkg-config --variable=libdir "$pc") && pcdir=$(pkg-config --variable=pcfiledir "$pc") ||
        { echo "dist.sh: pkg-config knows no $pc (apt-get install $packages)" >&2; exit 1; }
    for lib in "$@"; do
        [ -f "$libdir/$lib" ] || { echo "dist.sh: $libdir/$lib is missing (apt-get install $packages)" >&2; exit 1; }
        ln -sf "$libdir/$lib" "$STATIC/$lib"
    done
    sed "s|^libdir=.*|libdir=$STATIC|" "$pcdir/$pc.pc" > "$STATIC/pkgconfig/$pc.pc"
}
static_pc libcmark-gfm "libcmark-gfm-dev libcmark-gfm-extensions-dev" libcmark-gfm.a libcmark-gfm-extensions.a
static_pc yaml-0.1 libyaml-dev libyaml.a

export PKG_CONFIG_PATH="$STATIC/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"

# Every build in $BUILD with the same flags, so that one never invalidates another's objects.
swift_build() { "$SWIFT" build -c release --static-swift-stdlib --scratch-path "$BUILD" "$@"; }

echo "dist: building a static release binary in $BUILD"
swift_build --product stepmark
BIN=$(swift_build --show-bin-path)/stepmark

rm -rf "$STAGE"
mkdir -p "$STAGE/bin" "$STAGE/share/man/man1" "$STAGE/share/bash-completion/completions" \
    "$STAGE/share/zsh/site-functions" "$STAGE/share/fish/vendor_completions.d" "$STAGE/share/doc/stepmark"
strip -o "$STAGE/bin/stepmark" "$BIN"

# Man pages: the tool behind swift-argument-parser's generate-manual plugin, run on the binary
# we ship (the plugin itself would rebuild every product without --static-swift-stdlib).
swift_build --product generate-manual
GENERATE_MANUAL=$(swift_build --show-bin-path)/generate-manual
"$GENERATE_MANUAL" "$STAGE/bin/stepmark" --multi-page --output-directory "$STAGE/share/man/man1"

# Completions, written by the binary itself (swift-argument-parser).
"$STAGE/bin/stepmark" --generate-completion-script bash > "$STAGE/share/bash-completion/completions/stepmark"
"$STAGE/bin/stepmark" --generate-completion-script zsh > "$STAGE/share/zsh/site-functions/_stepmark"
"$STAGE/bin/stepmark" --generate-completion-script fish > "$STAGE/share/fish/vendor_completions.d/stepmark.fish"

# README and licences: the project's own licence when the repository has one, and the
# licences of what is linked into the binary.
TOOLCHAIN=$(dirname "$(dirname "$(readlink -f "$(command -v "$SWIFT")")")")
cp README.md "$STAGE/README.md"
[ -f LICENSE ] && cp LICENSE "$STAGE/LICENSE"
{
    echo "stepmark $VERSION links these components statically:"
    echo
    echo "- the Swift standard library, FoundationEssentials and Dispatch: Apache License 2.0"
    echo "  with the Runtime Library Exception (below)"
    echo "- swift-argument-parser: Apache License 2.0 (below)"
    echo "- libyaml: MIT (Debian's copyright file below)"
    echo "- cmark-gfm and its extensions: BSD-2-Clause and others (Debian's copyright file below)"
    echo
    echo "OpenBLAS is not part of this binary; when installed it is loaded at run time."
    for file in "$TOOLCHAIN/share/swift/LICENSE.txt" "$BUILD/checkouts/swift-argument-parser/LICENSE.txt" \
                /usr/share/doc/libyaml-dev/copyright \
                /usr/share/doc/libcmark-gfm0.29.0.gfm.6/copyright; do
        [ -f "$file" ] || continue
        printf '\n==== %s ====\n\n' "$(basename "$(dirname "$file")")/$(basename "$file")"
        cat "$file"
    done
} > "$STAGE/THIRD-PARTY-LICENSES.txt"
cp "$STAGE/README.md" "$STAGE/THIRD-PARTY-LICENSES.txt" "$STAGE/share/doc/stepmark/"
[ -f "$STAGE/LICENSE" ] && cp "$STAGE/LICENSE" "$STAGE/share/doc/stepmark/"

# A reproducible tarball: sorted names, no owners, a fixed date, gzip without a timestamp.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C dist -cf - "$NAME" | gzip -n -9 > "dist/$NAME.tar.gz"
echo "dist: dist/$NAME.tar.gz ($(du -h "$STAGE/bin/stepmark" | cut -f1) stripped binary)"
