#!/bin/sh
# Adds to docs/screenshots/ the measures, consent, audit, backup, restore,
# preferences and supervisor screens, light and dark, from a demo vault
# made with confidant-cli and captured under Xvfb (as tools/screenshots.sh
# does for the main screens).
#
#   tools/screenshots-extras.sh [BUILD-DIR]      (default: build)
set -eu

srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=$(cd "${1:-$srcdir/build}" && pwd)
outdir="$srcdir/docs/screenshots"

ninja -C "$builddir" app/confidant-cli tools/confidant-screenshot-extras data/gschemas.compiled

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
