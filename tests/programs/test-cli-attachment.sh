#!/usr/bin/env bash
# test-cli-attachment.sh: confidant-cli attach, attachment list and attachment export, driven as a script would (TAP).
set -u
cli="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
vault="$work/vault"
n=0
failed=0
export TMPDIR="$work/tmp"
mkdir -p "$TMPDIR"

ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
expect () {
  local want="$1" what="$2"; shift 3
  "$@" >"$work/out" 2>"$work/err"
  local got=$?
  if [ "$got" -eq "$want" ]; then ok "$what"; else
    not_ok "$what (exit $got, wanted $want)"; sed 's/^/# /' "$work/err"; fi
}
has () { grep -q -- "$2" "$work/$1" && ok "$3" || { not_ok "$3"; sed 's/^/# /' "$work/$1"; }; }

printf 'owner passphrase\n' > "$work/pass"
a=(--vault "$vault" --passphrase-file "$work/pass")
terms=(--recipient "Dr Lee, Northside" --purpose "continuity of care" --basis treatment)
expect 0 "init" -- "$cli" "${a[@]}" init --user "Dr Owner"
printf 'Canary Wrenfield' > "$work/name"
expect 0 "patient add" -- "$cli" "${a[@]}" patient add --name-file "$work/name"
id=$(cat "$work/out")

# A PDF of some 600 kB: three chunks.
{ printf '%%PDF-1.7\n'; head -c 600000 /dev/urandom; printf '\n%%%%EOF\n'; } > "$work/referral letter.pdf"
printf 'Referral from Dr Okafor\n' > "$work/title"
expect 0 "attach a PDF" -- "$cli" "${a[@]}" attach --patient "$id" --file "$work/referral letter.pdf" --type referral --title-file "$work/title"
att=$(cat "$work/out")
expect 0 "attachment list" -- "$cli" "${a[@]}" attachment list --patient "$id"
has out "^$att	referral	application/pdf	600016	" "listed with its type, media type and size"
has out "	referral letter.pdf	Referral from Dr Okafor	" "its name and title"
expect 0 "attachment list --json" -- "$cli" "${a[@]}" attachment list --patient "$id" --json
has out "\"title\":\"Referral from Dr Okafor\"" "JSON has the title"
expect 0 "attachment export" -- "$cli" "${a[@]}" attachment export --id "$att" --out "$work/copy.pdf" "${terms[@]}"
cmp -s "$work/referral letter.pdf" "$work/copy.pdf" && ok "the copy is byte for byte the file" || not_ok "the copy differs"
expect 1 "no overwrite without --force" -- "$cli" "${a[@]}" attachment export --id "$att" --out "$work/copy.pdf" "${terms[@]}"
has err "already exists" "says the file exists"
ln -s "$work/elsewhere" "$work/link.pdf"
expect 1 "no write through a symbolic link" -- "$cli" "${a[@]}" attachment export --id "$att" --out "$work/link.pdf" "${terms[@]}"
[ ! -e "$work/elsewhere" ] && ok "nothing written where the link points" || not_ok "written through the link"
expect 0 "overwrite with --force" -- "$cli" "${a[@]}" attachment export --id "$att" --out "$work/copy.pdf" --force "${terms[@]}"
expect 2 "export needs the disclosure's terms" -- "$cli" "${a[@]}" attachment export --id "$att" --out "$work/other.pdf"
expect 0 "disclosures" -- "$cli" "${a[@]}" disclosures --patient "$id"
has out "Description: Filed referral document $att" "the export is in the accounting"

# Refused: by content, by size, cut short; a wrong type name.
printf 'Dear colleague\n' > "$work/letter.pdf"
expect 1 "a text file named .pdf is refused" -- "$cli" "${a[@]}" attach --patient "$id" --file "$work/letter.pdf" --type lab
has err "Only PDF, PNG and JPEG" "says which files can be attached"
head -c 5000 "$work/referral letter.pdf" > "$work/cut.pdf"
expect 1 "a PDF cut short is refused" -- "$cli" "${a[@]}" attach --patient "$id" --file "$work/cut.pdf" --type lab
has err "cut short" "says it may be cut short"
{ printf '%%PDF-1.7\n'; } > "$work/big.pdf"; truncate -s 40M "$work/big.pdf"; printf '%%%%EOF' >> "$work/big.pdf"
expect 1 "a file over the limit is refused" -- "$cli" "${a[@]}" attach --patient "$id" --file "$work/big.pdf" --type lab
has err "largest file" "says the limit"
expect 2 "an unknown type is a usage error" -- "$cli" "${a[@]}" attach --patient "$id" --file "$work/referral letter.pdf" --type xray
expect 0 "attachment list" -- "$cli" "${a[@]}" attachment list --patient "$id"
[ "$(wc -l < "$work/out")" -eq 1 ] && ok "only the one filed" || not_ok "something else was filed"

echo "1..$n"
[ "$failed" -eq 0 ]
