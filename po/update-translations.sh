#!/bin/sh
# update-translations.sh SOURCE_ROOT
# Rebuilds the message template from the sources and the record templates
# and merges it into every translation listed in po/LINGUAS.
set -eu
root=$1
pot=$(mktemp)
trap 'rm -f "$pot"' EXIT
"$root/po/make-pot.sh" "$root" "$pot"
for lang in $(grep -v '^#' "$root/po/LINGUAS"); do
  msgmerge --update --backup=none --previous "$root/po/$lang.po" "$pot"
done
