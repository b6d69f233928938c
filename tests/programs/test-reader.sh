#!/usr/bin/env bash
# test-reader.sh: an independent reader, written from docs/FORMATS.md and
# docs/SECURITY.md alone, opens the known-answer backups and a fresh one (TAP).
# If the code and the documents drift apart, one of these fails.
set -u
cli="$1"
reader="$2"
fixtures="$3"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export TMPDIR="$work/tmp"
mkdir -p "$TMPDIR"
n=0
failed=0

ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }

# read DESCRIPTION PATTERN... -- READER-ARGS...: the reader must succeed and
# print every pattern; its output goes to the log as TAP comments.
read_backup () {
  local what="$1"; shift
  local patterns=()
  while [ "$1" != "--" ]; do patterns+=("$1"); shift; done
  shift
  if "$reader" "$@" > "$work/out" 2> "$work/err"; then
    local missing=""
    for p in "${patterns[@]}"; do grep -qF -- "$p" "$work/out" || missing="$missing '$p'"; done
    if [ -z "$missing" ]; then ok "$what"; else not_ok "$what (missing$missing)"; fi
  else
    not_ok "$what (the reader failed)"
  fi
  sed 's/^/# /' "$work/out" "$work/err"
}

for tool in sqlcipher /usr/bin/python3; do
  command -v "$tool" > /dev/null && ok "$tool is installed" || not_ok "$tool is installed"
done

# The known-answer backup made by a production build (Argon2id MODERATE).
# Its passphrase holds "café" in NFC; typed in NFD it must open too.
printf 'caf\303\251 correct horse battery staple\n' > "$work/nfc"
printf 'cafe\314\201 correct horse battery staple\n' > "$work/nfd"
moderate="$fixtures/v1-moderate.cfdbackup"
read_backup "the known-answer backup, passphrase" "patient: Ada Fixture (born 1981-06-15)" \
  "intentions: Fixture note text: the lighthouse and the open door." \
  "signature by Test Owner verified" "expires none (signed 0), signature verified" \
  "(Argon2id, 3 passes, 256 MiB)" -- "$moderate" --passphrase-file "$work/nfc"
read_backup "the known-answer backup, passphrase typed in NFD" "patient: Ada Fixture" \
  -- "$moderate" --passphrase-file "$work/nfd"
read_backup "the known-answer backup, recovery key" "patient: Ada Fixture" \
  -- "$moderate" --recovery-key-file "$moderate.recovery-key"
# The first known-answer backup (weak test KDF parameters).
printf 'correct horse battery staple\n' > "$work/old"
read_backup "the first known-answer backup" "patient: Fixture Patient Alder" \
  -- "$fixtures/v1.cfdbackup" --passphrase-file "$work/old"

# A fresh backup, made by the CLI now.
printf 'reader owner passphrase\n' > "$work/pass"
printf 'reader owner passphrase\nreader supervisor passphrase\n' > "$work/two"
printf 'reader supervisor passphrase\n' > "$work/sup"
printf 'Reader-Review-2093: the integration plan reads well.\n' > "$work/review"
v=(--vault "$work/vault" --passphrase-file "$work/pass")
"$cli" "${v[@]}" init --user "Dr Reader" > /dev/null 2>> "$work/cli.err" \
  && patient=$("$cli" "${v[@]}" patient add --name "Rowan Quillfeather" --birth-date 1979-03-08 \
    2>> "$work/cli.err") \
  && printf 'intentions: Reader-Note-4471 walks through the forest.\n' \
    > "$work/note" \
  && note=$("$cli" "${v[@]}" note add --patient "$patient" --kind integration --date 2026-11-20 \
    --file "$work/note" 2>> "$work/cli.err") \
  && "$cli" "${v[@]}" note sign "$note" > /dev/null 2>> "$work/cli.err" \
  && "$cli" --vault "$work/vault" --passphrase-file "$work/two" user add --name "Sam Reader" \
    --role supervisor > /dev/null 2>> "$work/cli.err" \
  && "$cli" "${v[@]}" consent grant --patient "$patient" --supervisor "Sam Reader" \
    --scope all --purpose Supervision --obtained 2026-11-01 --method "signed form" \
    --expires 2027-05-01 > /dev/null 2>> "$work/cli.err" \
  && "$cli" --vault "$work/vault" --user "Sam Reader" --passphrase-file "$work/sup" review add \
    --record "$note" --file "$work/review" > /dev/null 2>> "$work/cli.err" \
  && "$cli" "${v[@]}" backup create --to "$work/media" > /dev/null 2>> "$work/cli.err" \
  && ok "the CLI made a fresh backup" || { not_ok "the CLI made a fresh backup"; sed 's/^/# /' "$work/cli.err"; }
fresh=$(ls "$work"/media/confidant-*.cfdbackup 2>/dev/null | head -n 1)
read_backup "a fresh backup" "patient: Rowan Quillfeather (born 1979-03-08)" \
  "intentions: Reader-Note-4471 walks through the forest." \
  "signature by Dr Reader verified" "consent: scope all for Sam Reader, expires 1" \
  "review: comment by Sam Reader, signature verified: Reader-Review-2093: the integration plan reads well." \
  -- "${fresh:-missing}" --passphrase-file "$work/pass"

# The vault folder itself: the keyring beside the database.
read_backup "the fresh vault folder" "vault folder: vault" \
  "patient: Rowan Quillfeather (born 1979-03-08)" \
  "intentions: Reader-Note-4471 walks through the forest." -- "$work/vault" --passphrase-file "$work/pass"

# The reader checks what it reads: one flipped bit in the stream fails it.
if [ -n "$fresh" ]; then
  cp "$fresh" "$work/flipped"
  size=$(stat -c %s "$work/flipped")
  printf '\001' | dd of="$work/flipped" bs=1 seek=$((size - 40)) conv=notrunc 2> /dev/null
  if "$reader" "$work/flipped" --passphrase-file "$work/pass" > /dev/null 2>&1; then
    not_ok "a flipped bit fails the reader"
  else ok "a flipped bit fails the reader"; fi
fi

echo "1..$n"
[ "$failed" -eq 0 ]
