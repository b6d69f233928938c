#!/bin/sh
# Captures the Change Passphrase dialog (docs/screenshots/passphrase-*.png)
# and the Users page with its Add User dialog (users-*.png), light and dark,
# wide and at 360 px, on a new vault with a therapist.
set -eu
builddir=${1:-build}
outdir=$(pwd)/docs/screenshots
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
cli="$builddir/app/confidant-cli"

printf '%s\n' 'passphrase dialog owner 1' >"$work/owner"
"$cli" --vault "$work/vault" --passphrase-file "$work/owner" init --user "Dr Ada Moss" >/dev/null
# The owner's passphrase, then the new user's, from standard input.
printf '%s\n' 'passphrase dialog owner 1' 'therapist passphrase for screenshots' \
  'therapist passphrase for screenshots' >"$work/add"
"$cli" --vault "$work/vault" user add --name "Dr Rowan Hale" --role therapist <"$work/add" >/dev/null

mkdir -p "$outdir"
for run in "light 1280" "dark 1280" "light 360" "dark 360"; do
  set -- $run
  env GTK_A11Y=none NO_AT_BRIDGE=1 GSETTINGS_BACKEND=memory \
    GSETTINGS_SCHEMA_DIR="$builddir/data" LANG=C.UTF-8 \
    xvfb-run -a -s '-screen 0 1280x800x24' \
    "$builddir/tools/confidant-screenshot-passphrase" "$work/vault" "$work/owner" "$outdir" "$1" "$2"
done
