#!/bin/sh
# Checks (or fixes) the formatting of every tracked C file against .clang-format.
set -eu
clang_format="$1"
mode="$2"
cd "${MESON_SOURCE_ROOT:-$(dirname "$0")/..}"
files=$(git ls-files '*.c' '*.h' 2>/dev/null || find app core ui tests -name '*.[ch]')
[ -n "$files" ] || exit 0
if [ "$mode" = fix ]; then
  exec "$clang_format" -i $files
fi
exec "$clang_format" --dry-run --Werror $files
