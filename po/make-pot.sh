#!/bin/sh
# make-pot.sh SOURCE_ROOT OUTPUT.pot
# Builds Confidant's full message template: the sources listed in
# po/POTFILES.in (read by xgettext, with GLib's keywords, as meson's
# i18n module does) and the record templates (read by extract-templates.py,
# since xgettext cannot read key files).
set -eu
root=$1
out=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

grep -v '^#' "$root/po/POTFILES.in" | sed '/^$/d' > "$work/files"
(cd "$root" && xgettext --package-name=confidant --from-code=UTF-8 --add-comments \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
  --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
  --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
  --files-from="$work/files" --output="$work/sources.pot")
(cd "$root" && python3 po/extract-templates.py data/templates/*.template) > "$work/templates.pot"
msgcat --use-first --output-file="$out" "$work/sources.pot" "$work/templates.pot"
