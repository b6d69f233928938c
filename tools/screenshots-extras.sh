#!/bin/sh
# Adds to docs/screenshots/ the measures, consent, audit, backup, restore,
# export, dosing, preferences and supervisor screens, light and dark, from a
# demo vault made with confidant-cli and captured under Xvfb (as
# tools/screenshots.sh does for the main screens); then two pages of a
# patient's record exported as PDF (confidant-cli export, pdftoppm).
#
#   tools/screenshots-extras.sh [BUILD-DIR]      (default: build)
set -eu

srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=$(cd "${1:-$srcdir/build}" && pwd)
outdir="$srcdir/docs/screenshots"

ninja -C "$builddir" app/confidant-cli tools/confidant-screenshot-extras data/gschemas.compiled
command -v pdftoppm >/dev/null && command -v pdftotext >/dev/null || {
  echo "pdftoppm and pdftotext are needed: apt-get install poppler-utils" >&2
  exit 1
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# Invented people only: confidant-cli demo writes a fictional practice.
printf '%s\n%s\n' 'demo owner passphrase 1' 'demo supervisor passphrase 2' >"$work/passphrases"
printf '%s\n' 'demo owner passphrase 1' >"$work/owner"
printf '%s\n' 'demo supervisor passphrase 2' >"$work/supervisor"

mkdir -p "$outdir"
for scheme in light dark; do
  # The tour records consents, measures, comments and backups: a fresh
  # practice for each scheme keeps the two sets alike.
  rm -rf "$work/demo"
  "$builddir/app/confidant-cli" --vault "$work/demo" --passphrase-file "$work/passphrases" \
    demo --patients 14 --records 24 --seed 7 >/dev/null
  env GTK_A11Y=none NO_AT_BRIDGE=1 GSETTINGS_BACKEND=memory \
    GSETTINGS_SCHEMA_DIR="$builddir/data" LANG=C.UTF-8 \
    xvfb-run -a -s '-screen 0 1280x800x24' \
    "$builddir/tools/confidant-screenshot-extras" "$work/demo" "$work/owner" \
    "$outdir" "$scheme" "$work/supervisor"
done

# A patient's record as PDF: the cover page, and the first page holding a
# dosing session with its vital signs.
cli() { "$builddir/app/confidant-cli" --vault "$work/demo" --passphrase-file "$work/owner" "$@"; }
patient=$(cli patient list | head -n 1 | cut -f 1)
cli export --patient "$patient" --pdf "$work/record.pdf" --recipient "Dr. Lee, Northside Psychiatry" \
  --purpose "continuity of care" --basis treatment >/dev/null
pages=$(pdfinfo "$work/record.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
dosing_page=2
for page in $(seq 2 "${pages:-2}"); do
  if pdftotext -f "$page" -l "$page" "$work/record.pdf" - | grep -q "Vital signs"; then
    dosing_page=$page
    break
  fi
done
pdftoppm -png -r 80 -f 1 -l 1 -singlefile "$work/record.pdf" "$work/cover"
pdftoppm -png -r 80 -f "$dosing_page" -l "$dosing_page" -singlefile "$work/record.pdf" "$work/page"
convert "$work/cover.png" -strip +dither -colors 64 "$outdir/export-cover.png"
convert "$work/page.png" -strip +dither -colors 64 "$outdir/export-page.png"
echo "$outdir/export-cover.png"
echo "$outdir/export-page.png"
