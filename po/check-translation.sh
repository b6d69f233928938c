#!/bin/sh
# check-translation.sh SOURCE_ROOT LANGUAGE
# Builds the message template from the sources as they are now, merges the
# translation into it and fails unless every message is translated and none
# is fuzzy. Each message that needs work is printed with where it comes from,
# so whoever translates can find it.
set -eu
root=$1
lang=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$root/po/make-pot.sh" "$root" "$work/confidant.pot" 2>"$work/xgettext.log" || {
  cat "$work/xgettext.log" >&2
  exit 1
}
msgmerge --quiet --no-fuzzy-matching --output-file="$work/merged.po" \
  "$root/po/$lang.po" "$work/confidant.pot"
msgfmt --check --statistics --output-file=/dev/null "$work/merged.po" 2>"$work/stats" || {
  cat "$work/stats" >&2
  exit 1
}
# Prints each message of a PO file but its header: where it comes from and
# its text, without the (empty or fuzzy) translations.
list_messages() {
  msgcat --no-wrap "$1" | awk 'BEGIN { RS = ""; FS = "\n" } NR > 1 {
    for (i = 1; i <= NF; i++) if ($i ~ /^(#:|msgctxt|msgid)/) print $i; print "" }'
}
total=$(grep -c '^msgid ' "$work/confidant.pot")
msgattrib --untranslated --no-obsolete "$work/merged.po" > "$work/untranslated.po"
msgattrib --only-fuzzy --no-obsolete "$work/merged.po" > "$work/fuzzy.po"
untranslated=$(grep -c '^msgid ' "$work/untranslated.po" || true)
fuzzy=$(grep -c '^msgid ' "$work/fuzzy.po" || true)
# Each file's header entry is counted by grep; it is not a message.
untranslated=$((untranslated > 0 ? untranslated - 1 : 0))
fuzzy=$((fuzzy > 0 ? fuzzy - 1 : 0))
echo "po/$lang.po: $(cat "$work/stats")"
echo "$((total - 1)) messages in the sources; $untranslated untranslated; $fuzzy fuzzy"
if [ "$untranslated" -gt 0 ]; then
  echo "Untranslated messages (add them to po/$lang.po):"
  list_messages "$work/untranslated.po"
fi
if [ "$fuzzy" -gt 0 ]; then
  echo "Fuzzy messages (check them and remove the fuzzy mark):"
  list_messages "$work/fuzzy.po"
fi
[ "$untranslated" -eq 0 ] && [ "$fuzzy" -eq 0 ]
