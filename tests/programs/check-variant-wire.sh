#!/usr/bin/env bash
# check-variant-wire.sh: every GVariant that becomes bytes on disk, in a seal,
# a hash or a signature goes through cfd_variant_to_wire/from_wire (little-
# endian on every host; docs/FORMATS.md, "GVariant bodies"). A call that
# bypasses them fails this check unless it, or one of the three lines above it,
# says "byte order:" and why it does not matter there.
set -u
core="$1"
found=$(find "$core" -name '*.c' ! -name cfd-crypto.c -print0 | xargs -0 awk '
  /g_variant_(store|get_data|new_from_bytes|new_from_data|get_data_as_bytes) \(/ &&
      !/byte order:/ && (prev " " prev2 " " prev3) !~ /byte order:/ {
    print FILENAME ":" FNR ": " $0 }
  { prev3 = prev2; prev2 = prev; prev = $0 }')
if [ -n "$found" ]; then
  echo "GVariant serialised without the wire helper (cfd_variant_to_wire/from_wire):"
  echo "$found"
  exit 1
fi
echo "every serialised GVariant in $core goes through the wire helper"
