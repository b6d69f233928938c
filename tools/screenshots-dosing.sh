#!/bin/sh
# Captures the dosing editor with its signing checks (docs/screenshots/
# dosing-checks*.png, dosing-vitals*.png), light and dark, wide and
# 360 px (a window that wide, with GNOME's close-only title bar), from a
# fictional demo practice.
set -eu
builddir=${1:-build}
outdir=$(pwd)/docs/screenshots
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

printf '%s\n%s\n' 'demo owner passphrase 1' 'demo supervisor passphrase 2' >"$work/passphrases"
printf '%s\n' 'demo owner passphrase 1' >"$work/owner"
"$builddir/app/confidant-cli" --vault "$work/demo" --passphrase-file "$work/passphrases" \
  demo --patients 4 --records 10 --seed 7 >/dev/null

mkdir -p "$outdir"
for run in "light 1280" "dark 1280" "light 360" "dark 360"; do
  set -- $run
  env GTK_A11Y=none NO_AT_BRIDGE=1 GSETTINGS_BACKEND=memory \
    GSETTINGS_SCHEMA_DIR="$builddir/data" LANG=C.UTF-8 \
    xvfb-run -a -s '-screen 0 1280x800x24' \
    "$builddir/tools/confidant-screenshot-dosing" "$work/demo" "$work/owner" "$outdir" "$1" "$2"
done
