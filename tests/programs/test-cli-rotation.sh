#!/usr/bin/env bash
# test-cli-rotation.sh: after `passwd --rotate-keys` (the owner's, then a
# therapist's with the owner's approval) a keyring copied earlier (as every
# backup embeds one) with the passphrase of then opens nothing written
# later, the old recovery key is refused, and every other user still
# unlocks (TAP). attacks/old-keyring.py tries, from docs/FORMATS.md alone.
set -u
cli="$1"
attacks="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export TMPDIR="$work/tmp"
mkdir -p "$TMPDIR"
n=0
failed=0

ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
# expect STATUS DESCRIPTION -- COMMAND...
expect () {
  local want="$1" what="$2"; shift 3
  "$@" > "$work/out" 2> "$work/err"
  local got=$?
  if [ "$got" -eq "$want" ]; then ok "$what"; else
    not_ok "$what (exit $got, wanted $want)"; sed 's/^/# /' "$work/err"; fi
}

vault="$work/vault"
printf 'rotation owner passphrase\n' > "$work/pass"
printf 'rotation owner passphrase\nrotation therapist passphrase\n' > "$work/two"
printf 'rotation therapist passphrase\n' > "$work/ther"
printf 'rotation owner passphrase\nrotated owner passphrase\n' > "$work/change"
printf 'rotated owner passphrase\n' > "$work/new"
printf 'Rowan Before\n' > "$work/name1"
printf 'Rowan After\n' > "$work/name2"
v=(--vault "$vault" --passphrase-file "$work/pass")

expect 0 "init" -- "$cli" "${v[@]}" init --user "Dr Rotate"
old_recovery=$(grep -Eo '([0-9A-Z]{4}-){8}[0-9A-Z]{4}' "$work/out")
expect 0 "a therapist is added" -- "$cli" --vault "$vault" --passphrase-file "$work/two" user add --name "Tess Therapist" --role therapist
expect 0 "a patient before the rotation" -- "$cli" "${v[@]}" patient add --name-file "$work/name1" --birth-date 1970-01-01
cp "$vault/keyring" "$work/old-keyring"

expect 0 "passwd --rotate-keys" -- "$cli" --vault "$vault" --passphrase-file "$work/change" passwd --rotate-keys
new_recovery=$(grep -Eo '([0-9A-Z]{4}-){8}[0-9A-Z]{4}' "$work/out")
sed 's/^/# /' "$work/out"
[ -n "$new_recovery" ] && [ "$new_recovery" != "$old_recovery" ] \
  && ok "the rotation prints a new recovery key" || not_ok "the rotation prints a new recovery key"
expect 0 "a patient after the rotation" -- "$cli" --vault "$vault" --passphrase-file "$work/new" patient add --name-file "$work/name2" --birth-date 1980-01-01
expect 0 "the owner sees both patients" -- "$cli" --vault "$vault" --passphrase-file "$work/new" patient list
grep -q "Rowan Before" "$work/out" && grep -q "Rowan After" "$work/out" \
  && ok "both patients are listed" || not_ok "both patients are listed"

# The old keyring beside today's database, with the old passphrase.
mkdir -m 700 "$work/stolen"
cp "$work/old-keyring" "$work/stolen/keyring"
cp "$vault/vault.db" "$work/stolen/vault.db"
[ -e "$vault/vault.db-wal" ] && cp "$vault/vault.db-wal" "$work/stolen/vault.db-wal"
chmod 600 "$work/stolen"/*
expect 1 "an old keyring and the old passphrase do not open today's database" -- "$cli" --vault "$work/stolen" --passphrase-file "$work/pass" patient list
grep -q "Rowan" "$work/out" && not_ok "no patient is shown from the old keyring" \
  || ok "no patient is shown from the old keyring"

printf '%s\nanother owner passphrase\n' "$old_recovery" > "$work/rec-old"
expect 1 "the old recovery key is refused" -- "$cli" --vault "$vault" --passphrase-file "$work/rec-old" recover

# The therapist's entry still holds the old key: their unlock takes the new
# one handed on to them, and the next unlock needs nothing handed on.
expect 0 "the therapist unlocks after the rotation" -- "$cli" --vault "$vault" --user "Tess Therapist" --passphrase-file "$work/ther" patient list
expect 0 "and again" -- "$cli" --vault "$vault" --user "Tess Therapist" --passphrase-file "$work/ther" patient list
expect 0 "the rotation is in the audit log" -- "$cli" --vault "$vault" --passphrase-file "$work/new" audit list --action vault.rekey
grep -q "vault.rekey.*success" "$work/out" && ok "vault.rekey success recorded" \
  || { not_ok "vault.rekey success recorded"; sed 's/^/# /' "$work/out"; }
expect 0 "the new recovery key is recorded" -- "$cli" --vault "$vault" --passphrase-file "$work/new" audit list --action user.recovery-key-replace
grep -q "user.recovery-key-replace.*success" "$work/out" && ok "user.recovery-key-replace recorded" \
  || not_ok "user.recovery-key-replace recorded"

# The rotation issued a new backup key to the therapist too: their backup
# restores with their passphrase.
mkdir -p "$work/media"
expect 0 "the therapist makes a backup" -- "$cli" --vault "$vault" --user "Tess Therapist" --passphrase-file "$work/ther" backup create --to "$work/media"
expect 0 "and restores it" -- sh -c "'$cli' --user 'Tess Therapist' --passphrase-file '$work/ther' restore '$work/media'/*.cfdbackup --into '$work/restored'"
expect 0 "the backup key was issued again" -- "$cli" --vault "$vault" --passphrase-file "$work/new" audit list --action backup.key-issue
[ "$(grep -c "backup.key-issue.*success" "$work/out")" -ge 3 ] \
  && ok "backup.key-issue recorded for both, then again at the rotation" \
  || { not_ok "backup.key-issue recorded for both, then again at the rotation"; sed 's/^/# /' "$work/out"; }

# attack_clean DESCRIPTION OLD-KEYRING USER OLD-PASSPHRASE [BACKUP]: the
# attacker's program opens nothing.
attack_clean () {
  local what="$1"; shift
  "$attacks/old-keyring.py" "$1" "$2" "$3" "$vault" ${4:+"$4"} > "$work/attack" 2>&1
  local got=$?
  sed 's/^/# /' "$work/attack"
  if [ "$got" -eq 0 ] && grep -q '^refused:' "$work/attack" && ! grep -q '^opened:' "$work/attack"
  then ok "$what"; else not_ok "$what"; fi
}
attack_clean "the owner's old keyring and old passphrase open nothing written later" \
  "$work/old-keyring" "Dr Rotate" "$work/pass"

# A therapist's rotation: their own patient is re-granted to the new key,
# the owner approves with their passphrase (read like the others).
printf 'Tara Before\n' > "$work/name3"
printf 'Tara After\n' > "$work/name4"
expect 0 "the therapist adds a patient" -- "$cli" --vault "$vault" --user "Tess Therapist" --passphrase-file "$work/ther" patient add --name-file "$work/name3" --birth-date 1975-05-05
cp "$vault/keyring" "$work/old-keyring-t"
printf 'rotation therapist passphrase\nwrong owner passphrase\nrotated therapist passphrase\n' > "$work/tchange-bad"
expect 1 "without the owner's passphrase the therapist's rotation is refused" -- "$cli" --vault "$vault" --user "Tess Therapist" --passphrase-file "$work/tchange-bad" passwd --rotate-keys
expect 0 "and their passphrase did not change" -- "$cli" --vault "$vault" --user "Tess Therapist" --passphrase-file "$work/ther" patient list
printf 'rotation therapist passphrase\nrotated owner passphrase\nrotated therapist passphrase\n' > "$work/tchange"
printf 'rotated therapist passphrase\n' > "$work/ther2"
expect 0 "the therapist's passwd --rotate-keys, approved by the owner" -- "$cli" --vault "$vault" --user "Tess Therapist" --passphrase-file "$work/tchange" passwd --rotate-keys
expect 0 "the therapist reads their patient with the new key" -- "$cli" --vault "$vault" --user "Tess Therapist" --passphrase-file "$work/ther2" patient list
grep -q "Tara Before" "$work/out" && ok "the re-sealed grant opens" || not_ok "the re-sealed grant opens"
expect 0 "the therapist adds a patient after" -- "$cli" --vault "$vault" --user "Tess Therapist" --passphrase-file "$work/ther2" patient add --name-file "$work/name4" --birth-date 1985-05-05
expect 0 "the owner still unlocks and sees it" -- "$cli" --vault "$vault" --passphrase-file "$work/new" patient list
grep -q "Tara After" "$work/out" && ok "the owner's grant of the new patient opens" \
  || not_ok "the owner's grant of the new patient opens"
mkdir -p "$work/media2"
expect 0 "the therapist makes a backup after their rotation" -- "$cli" --vault "$vault" --user "Tess Therapist" --passphrase-file "$work/ther2" backup create --to "$work/media2"
attack_clean "the therapist's old keyring and old passphrase open nothing written later" \
  "$work/old-keyring-t" "Tess Therapist" "$work/ther" "$(ls "$work/media2"/*.cfdbackup | head -n 1)"
expect 0 "the rotation is recorded" -- "$cli" --vault "$vault" --passphrase-file "$work/new" audit list --action key.rotate
therapist_id=$("$cli" --vault "$vault" --passphrase-file "$work/new" user list 2>/dev/null | awk -F'\t' '$3 == "Tess Therapist" { print $1 }')
"$cli" --vault "$vault" --passphrase-file "$work/new" audit list --action key.rotate > "$work/out" 2>&1
grep -q "key.rotate.*$therapist_id.*success" "$work/out" && grep -q "approved by" "$work/out" \
  && ok "key.rotate names the therapist and the owner's approval" \
  || { not_ok "key.rotate names the therapist and the owner's approval"; sed 's/^/# /' "$work/out"; }

# A supervisor may rotate too, with the owner's approval; without it, not.
printf 'rotated owner passphrase\nrotation supervisor passphrase\n' > "$work/addsup"
printf 'rotation supervisor passphrase\nnot the owner passphrase\nrotation supervisor passphrase two\n' > "$work/supchange"
expect 0 "a supervisor is added" -- "$cli" --vault "$vault" --passphrase-file "$work/addsup" user add --name "Sue Supervisor"
expect 1 "a supervisor's --rotate-keys without the owner's passphrase is refused" -- "$cli" --vault "$vault" --user "Sue Supervisor" --passphrase-file "$work/supchange" passwd --rotate-keys

echo "1..$n"
[ "$failed" -eq 0 ]
