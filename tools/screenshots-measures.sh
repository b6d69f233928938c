#!/bin/sh
# Adds to docs/screenshots/ a PCL-5 chart over its bands (with its table) and
# the QIDS-SR16 scoring form, light and dark: a demo vault made with
# confidant-cli, one patient given PCL-5 scores around their dosing sessions,
# captured under Xvfb.
#
#   tools/screenshots-measures.sh [BUILD-DIR]      (default: build)
set -eu

srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=$(cd "${1:-$srcdir/build}" && pwd)
outdir="$srcdir/docs/screenshots"

ninja -C "$builddir" app/confidant-cli tools/confidant-screenshot-measures data/gschemas.compiled

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# Invented people only: confidant-cli demo writes a fictional practice.
printf '%s\n%s\n' 'demo owner passphrase 1' 'demo supervisor passphrase 2' >"$work/passphrases"
printf '%s\n' 'demo owner passphrase 1' >"$work/owner"
cli() { "$builddir/app/confidant-cli" --vault "$work/demo" --passphrase-file "$work/owner" "$@"; }

mkdir -p "$outdir"
for scheme in light dark; do
  rm -rf "$work/demo"
  "$builddir/app/confidant-cli" --vault "$work/demo" --passphrase-file "$work/passphrases" \
    demo --patients 6 --records 16 --seed 7 >/dev/null
  patient=$(cli patient list | head -n 1 | cut -f 1)
  # Monthly PCL-5 scores falling from probable PTSD to below the cut-off.
  month=2
  for items in \
    3,3,2,3,3,3,2,2,3,3,3,2,2,3,2,1,3,3,2,3 \
    3,2,2,3,2,3,2,1,3,2,3,2,2,2,2,1,2,3,2,2 \
    2,2,1,2,2,2,2,1,2,2,2,1,2,2,1,0,2,2,2,2 \
    1,1,1,2,1,2,1,1,1,1,2,1,1,1,1,0,1,2,1,1 \
    1,0,0,1,1,1,1,0,1,1,1,0,1,1,0,0,1,1,1,1; do
    cli measure add --patient "$patient" --instrument pcl5 --items "$items" \
      --date "2026-0$month-15" >/dev/null
    month=$((month + 1))
  done
  env GTK_A11Y=none NO_AT_BRIDGE=1 GSETTINGS_BACKEND=memory \
    GSETTINGS_SCHEMA_DIR="$builddir/data" LANG=C.UTF-8 \
    xvfb-run -a -s '-screen 0 1280x800x24' \
    "$builddir/tools/confidant-screenshot-measures" "$work/demo" "$work/owner" \
    "$outdir" "$scheme"
done
