#!/usr/bin/env bash
# test-cli-hardening.sh: confidant-cli refuses weak passphrases, keeps patient
# data off the command line, and prints untrusted text with its control
# characters escaped (TAP).
set -u
cli="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
vault="$work/vault"
n=0
failed=0

ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check () { if eval "$2"; then ok "$1"; else not_ok "$1"; sed 's/^/# /' "$work/err"; fi; }

# expect STATUS DESCRIPTION -- COMMAND...: the exit status must match.
expect () {
  local want="$1" what="$2"; shift 3
  "$@" >"$work/out" 2>"$work/err" </dev/null
  local got=$?
  if [ "$got" -eq "$want" ]; then ok "$what"; else
    not_ok "$what (exit $got, wanted $want)"; sed 's/^/# /' "$work/err"; fi
}
esc=$'\x1b'
no_raw_controls () { ! LC_ALL=C grep -q "[$esc"$'\x07\x9b'"]" "$1"; }

# --- Passphrase policy: the same minimum as the app's meter, in core.
printf 'a\n' > "$work/weak"
printf 'Dr Hale 1999\n' > "$work/named"
printf 'harbour violet sketch 52\n' > "$work/pass"
expect 1 "init refuses the passphrase 'a'" -- "$cli" --vault "$vault" --passphrase-file "$work/weak" init --user "Dr Hale"
check "the refusal says why" 'grep -q "too easy to guess (" "$work/err"'
check "no vault is left behind" '[ ! -e "$vault/keyring" ]'
expect 1 "init refuses a passphrase holding the user's name" -- "$cli" --vault "$vault" --passphrase-file "$work/named" init --user "Dr Hale"
expect 0 "init with a strong passphrase" -- "$cli" --vault "$vault" --passphrase-file "$work/pass" init --user "Dr Hale"
printf 'harbour violet sketch 52\npassword\n' > "$work/two-weak"
expect 1 "user add refuses 'password'" -- "$cli" --vault "$vault" --passphrase-file "$work/two-weak" user add --name "Sam Reviewer" --role supervisor
check "user add says why" 'grep -q "too easy to guess" "$work/err"'
recovery=$(sed -n 's/^    \([A-Z0-9-]\{20,\}\)$/\1/p' "$work/out" | head -n 1)
v=(--vault "$vault" --passphrase-file "$work/pass")

# --- Patient data from files; argv forms warn.
name=$'Wren\x1b]0;owned\x07 Okafor\x1b[2J\x1b[1A\xc2\x9b31m'
printf '%s\n' "$name" > "$work/name"
printf '1984-05-06\n' > "$work/born"
expect 0 "patient add --name-file --birth-date-file" -- "$cli" "${v[@]}" patient add --name-file "$work/name" --birth-date-file "$work/born"
id=$(cat "$work/out")
check "no warning for the file forms" '[ ! -s "$work/err" ]'
expect 0 "patient add --name (argv) still works" -- "$cli" "${v[@]}" patient add --name "Argv Person" --birth-date 1970-01-02
check "and warns that other accounts can read it" 'grep -q "warning: --name puts patient data on the command line" "$work/err" && grep -q -- "--name-file" "$work/err" && grep -q -- "--birth-date" "$work/err"'
check "the warning does not repeat the name" '! grep -q "Argv Person" "$work/err"'
expect 2 "--name with --name-file is refused" -- "$cli" "${v[@]}" patient add --name X --name-file "$work/name"
expect 2 "a missing --name-file is a usage error" -- "$cli" "${v[@]}" patient add --name-file "$work/none"

# While the CLI waits for its passphrase, its command line is what any
# account reads in /proc: the patient's name must not be in it.
mkfifo "$work/fifo"
printf 'Fenwick Quill\n' > "$work/name2"
"$cli" --vault "$vault" --passphrase-file "$work/fifo" patient add --name-file "$work/name2" > "$work/out2" 2>"$work/err" &
pid=$!
sleep 0.5
tr '\0' ' ' < "/proc/$pid/cmdline" > "$work/cmdline"
cat "$work/pass" > "$work/fifo"
wait "$pid"
check "the name is not in /proc/PID/cmdline" 'grep -q -- "--name-file" "$work/cmdline" && ! grep -q "Fenwick" "$work/cmdline"'
id2=$(cat "$work/out2")

printf 'Fenwick Q. Quill\n' > "$work/name3"
expect 0 "patient edit --name-file" -- "$cli" "${v[@]}" patient edit "$id2" --name-file "$work/name3"
check "edit gives no warning" '[ ! -s "$work/err" ]'

# search: the query from standard input, before or instead of argv.
printf 'intentions: Calm\x1b]0;retitled\x07 then\x1b[2K erased\n  second line\x1b[1A\nmodality: video\n' > "$work/note"
expect 0 "note add with escape sequences in its text" -- "$cli" "${v[@]}" note add --patient "$id" --kind integration --date 2024-03-01 --file "$work/note"
rec=$(cat "$work/out")
printf 'calm\n' > "$work/query"
"$cli" "${v[@]}" search < "$work/query" > "$work/out" 2>"$work/err"
check "search reads its query from stdin (passphrase from its file)" 'grep -q "$rec" "$work/out" && [ ! -s "$work/err" ]'
{ cat "$work/query"; cat "$work/pass"; } | "$cli" --vault "$vault" search > "$work/out" 2>"$work/err"
check "search reads the query, then the passphrase, from stdin" 'grep -q "$rec" "$work/out"'
check "search output has no raw control characters" 'no_raw_controls "$work/out"'
expect 0 "search TEXT (argv) still works" -- "$cli" "${v[@]}" search calm
check "and warns" 'grep -q "warning: --search TEXT puts patient data" "$work/err" || grep -q "warning: .*search TEXT" "$work/err"'

# consent --purpose-file.
printf 'harbour violet sketch 52\ncompass thistle marble 47\n' > "$work/two"
expect 0 "user add (a name with escapes)" -- "$cli" --vault "$vault" --passphrase-file "$work/two" user add --name $'Sam\x1b]0;x\x07 Reviewer' --role supervisor
printf 'Monthly supervision\x1b[31m, in red\n' > "$work/purpose"
expect 0 "consent grant --purpose-file" -- "$cli" "${v[@]}" consent grant --patient "$id" --supervisor $'Sam\x1b]0;x\x07 Reviewer' --scope all --purpose-file "$work/purpose" --obtained 2026-11-01 --method "signed form"
check "no warning for --purpose-file" '[ ! -s "$work/err" ]'
expect 0 "consent list" -- "$cli" "${v[@]}" consent list --patient "$id"
check "consent list escapes the purpose and the name" 'no_raw_controls "$work/out" && grep -qF "\\x1b[31m" "$work/out"'

# --- Untrusted text is printed with its controls escaped.
expect 0 "patient list" -- "$cli" "${v[@]}" patient list
check "patient list has no raw ESC, BEL or CSI" 'no_raw_controls "$work/out"'
check "the escapes are visible" 'grep -qF "Wren\\x1b]0;owned\\x07 Okafor\\x1b[2J\\x1b[1A\\u009b31m" "$work/out"'
expect 0 "patient show" -- "$cli" "${v[@]}" patient show "$id"
check "patient show has no raw controls" 'no_raw_controls "$work/out" && grep -qF "Name: Wren\\x1b]0;owned" "$work/out"'
expect 0 "note show" -- "$cli" "${v[@]}" note show "$rec"
check "note show has no raw controls" 'no_raw_controls "$work/out"'
check "note show escapes the text and keeps its lines" 'grep -qF "Calm\\x1b]0;retitled\\x07 then\\x1b[2K erased" "$work/out" && grep -qF "second line\\x1b[1A" "$work/out"'
expect 0 "user list" -- "$cli" --vault "$vault" user list
check "user list escapes names" 'no_raw_controls "$work/out" && grep -qF "Sam\\x1b]0;x\\x07 Reviewer" "$work/out"'
expect 0 "audit list" -- "$cli" "${v[@]}" audit list
check "audit list escapes names" 'no_raw_controls "$work/out"'
expect 1 "an error quoting a user's name" -- "$cli" --vault "$vault" --user $'No\x1b[2JOne' --passphrase-file "$work/pass" patient list
check "errors are escaped too" 'no_raw_controls "$work/err"'

echo "1..$n"
[ "$failed" -eq 0 ]
