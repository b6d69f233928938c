#!/bin/sh
# Adds to docs/screenshots/ the supervision files window and a capsule's
# read-only view, light and dark: a demo practice (confidant-cli demo) sends
# a capsule to a supervisor's own vault, captured under Xvfb.
#
#   tools/screenshots-capsule.sh [BUILD-DIR]      (default: build)
set -eu

srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=$(cd "${1:-$srcdir/build}" && pwd)
outdir="$srcdir/docs/screenshots"
cli="$builddir/app/confidant-cli"

ninja -C "$builddir" app/confidant-cli tools/confidant-screenshot-capsule data/gschemas.compiled

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# Invented people only: confidant-cli demo writes a fictional practice.
printf '%s\n%s\n' 'demo owner passphrase 1' 'demo supervisor passphrase 2' >"$work/passphrases"
printf '%s\n' 'demo owner passphrase 1' >"$work/owner"
printf '%s\n' 'remote supervisor passphrase 3' >"$work/remote-pass"

"$cli" --vault "$work/demo" --passphrase-file "$work/passphrases" \
  demo --patients 6 --records 12 --seed 7 >/dev/null
"$cli" --vault "$work/remote" --passphrase-file "$work/remote-pass" init --user "Dr Imani Okafor" >/dev/null
"$cli" --vault "$work/remote" --passphrase-file "$work/remote-pass" \
  supervisor card export --out "$work/okafor.cfdcard" >/dev/null
"$cli" --vault "$work/demo" --passphrase-file "$work/owner" \
  supervisor card import "$work/okafor.cfdcard" >/dev/null
patient=$("$cli" --vault "$work/demo" --passphrase-file "$work/owner" patient list | head -n 1 | cut -f 1)
consent=$("$cli" --vault "$work/demo" --passphrase-file "$work/owner" consent grant \
  --patient "$patient" --supervisor "Dr Imani Okafor" --scope all \
  --purpose "Monthly supervision of integration work" --obtained 2026-11-01 \
  --method "signed form")
"$cli" --vault "$work/demo" --passphrase-file "$work/owner" \
  capsule export --consent "$consent" --out "$work/patient.cfdcapsule" >/dev/null 2>&1
"$cli" --vault "$work/remote" --passphrase-file "$work/remote-pass" \
  capsule import "$work/patient.cfdcapsule" >/dev/null 2>&1

mkdir -p "$outdir"
for scheme in light dark; do
  env GTK_A11Y=none NO_AT_BRIDGE=1 GSETTINGS_BACKEND=memory \
    GSETTINGS_SCHEMA_DIR="$builddir/data" LANG=C.UTF-8 \
    xvfb-run -a -s '-screen 0 1280x800x24' \
    "$builddir/tools/confidant-screenshot-capsule" "$work/remote" "$work/remote-pass" \
    "$outdir" "$scheme"
done
