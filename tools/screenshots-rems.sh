#!/bin/sh
# Captures the Today window's REMS forms and the REMS panel of a signed
# esketamine dosing record (docs/screenshots/rems-*.png), light and dark,
# and the pages of its form's PDF,
# from a fictional patient made with the CLI.
set -eu
builddir=${1:-build}
outdir=$(pwd)/docs/screenshots
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
cli="$builddir/app/confidant-cli"

printf '%s\n' 'rems owner passphrase 1' >"$work/owner"
a="--vault $work/vault --passphrase-file $work/owner"
"$cli" $a init --user "Dr Ada Moss" >/dev/null
printf 'Rowan Hale' >"$work/name"
printf '1984-03-09' >"$work/birth"
id=$("$cli" $a patient add --name-file "$work/name" --birth-date-file "$work/birth")
printf '[Practice]\nName=Riverside Ketamine Clinic\nPhone=+1 555 0100\n' >"$work/practice"
"$cli" $a practice set --file "$work/practice" >/dev/null
cat >"$work/dosing" <<'NOTE'
medication: esketamine
route: intranasal
weight-kg: 70
dose-mg: 84
devices: 3
device-1-time: 09:00
device-2-time: 09:05
device-3-time: 09:10
lot-number: LOT-5X19
vitals: 08:50 128/82 72 98
vitals: 09:40 138/88 76 96
vitals: 10:58 124/80 70 97
moaas: 4
cadss: 9
observation-minutes: 125
ready-to-leave-time: 11:00
discharge-time: 11:05
discharge-criteria-met: yes
NOTE
record=$("$cli" $a note add --patient "$id" --kind dosing --date "$(date -u +%Y-%m-%d)" --file "$work/dosing")
"$cli" $a note sign "$record" >/dev/null

mkdir -p "$outdir"
"$cli" $a rems form --record "$record" --pdf "$work/form.pdf" >/dev/null
pdftoppm -png -r 70 "$work/form.pdf" "$outdir/rems-form-pdf"
for run in "light 1280" "dark 1280"; do
  set -- $run
  env GTK_A11Y=none NO_AT_BRIDGE=1 GSETTINGS_BACKEND=memory \
    GSETTINGS_SCHEMA_DIR="$builddir/data" LANG=C.UTF-8 \
    xvfb-run -a -s '-screen 0 1280x800x24' \
    "$builddir/tools/confidant-screenshot-rems" "$work/vault" "$work/owner" "$outdir" "$1" "$2"
done
