#!/bin/sh
# Regenerates docs/screenshots/: a demo vault made with confidant-cli, then
# every main screen of the app in light and dark, captured under Xvfb.
#
#   tools/screenshots.sh [BUILD-DIR]      (default: build)
set -eu

srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=$(cd "${1:-$srcdir/build}" && pwd)
outdir="$srcdir/docs/screenshots"

ninja -C "$builddir" app/confidant-cli tools/confidant-screenshot-tour data/gschemas.compiled

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# Invented people only: confidant-cli demo writes a fictional practice.
printf '%s\n%s\n' 'demo owner passphrase 1' 'demo supervisor passphrase 2' >"$work/passphrases"
printf '%s\n' 'demo owner passphrase 1' >"$work/owner"
"$builddir/app/confidant-cli" --vault "$work/demo" --passphrase-file "$work/passphrases" \
  demo --patients 14 --records 10 --seed 7 >/dev/null

# Each tour amends a signed note of one patient; the narrow tours get a
# copy of their own, so that the wide ones leave them notes to amend.
cp -r "$work/demo" "$work/demo-narrow"

mkdir -p "$outdir"
for scheme in light dark; do
  env GTK_A11Y=none NO_AT_BRIDGE=1 GSETTINGS_BACKEND=memory \
    GSETTINGS_SCHEMA_DIR="$builddir/data" LANG=C.UTF-8 \
    xvfb-run -a -s '-screen 0 1280x800x24' \
    "$builddir/tools/confidant-screenshot-tour" "$work/demo" "$work/owner" "quiet lake" \
    "$outdir" "$scheme"
  # The same screens in a 360 px window, the narrowest the app supports.
  env GTK_A11Y=none NO_AT_BRIDGE=1 GSETTINGS_BACKEND=memory \
    GSETTINGS_SCHEMA_DIR="$builddir/data" LANG=C.UTF-8 \
    xvfb-run -a -s '-screen 0 360x740x24' \
    "$builddir/tools/confidant-screenshot-tour" "$work/demo-narrow" "$work/owner" "quiet lake" \
    "$outdir" "$scheme" narrow
done
