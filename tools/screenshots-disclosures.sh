#!/bin/sh
# Adds to docs/screenshots/ the export dialog's formats, the Disclosures
# window (wide and at 360 px) and the practice profile, light and dark,
# from a fictional demo practice captured under Xvfb.
#
#   tools/screenshots-disclosures.sh [BUILD-DIR]      (default: build)
set -eu

srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=$(cd "${1:-$srcdir/build}" && pwd)
outdir="$srcdir/docs/screenshots"

ninja -C "$builddir" app/confidant-cli tools/confidant-screenshot-disclosures data/gschemas.compiled

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# Invented people only: confidant-cli demo writes a fictional practice.
printf '%s\n%s\n' 'demo owner passphrase 1' 'demo supervisor passphrase 2' >"$work/passphrases"
printf '%s\n' 'demo owner passphrase 1' >"$work/owner"

mkdir -p "$outdir" "$work/out"
for scheme in light dark; do
  rm -rf "$work/demo"
  "$builddir/app/confidant-cli" --vault "$work/demo" --passphrase-file "$work/passphrases" \
    demo --patients 6 --records 12 --seed 7 >/dev/null
  env GTK_A11Y=none NO_AT_BRIDGE=1 GSETTINGS_BACKEND=memory \
    GSETTINGS_SCHEMA_DIR="$builddir/data" LANG=C.UTF-8 \
    xvfb-run -a -s '-screen 0 1280x800x24' \
    "$builddir/tools/confidant-screenshot-disclosures" "$work/demo" "$work/owner" \
    "$outdir" "$scheme" "$work/out"
done
