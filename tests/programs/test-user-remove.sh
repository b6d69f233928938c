#!/usr/bin/env bash
# test-user-remove.sh: confidant-cli user remove, and what the removed user
# can still do with what they kept: a copy of the keyring from while they
# were a member and their old passphrase, tried by a program written from
# docs/FORMATS.md alone (attacks/removed-user.py), never Confidant's API.
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

printf 'removal owner passphrase\n' > "$work/pass"
printf 'removal owner passphrase\nremoval therapist passphrase\n' > "$work/two"
printf 'removal therapist passphrase\n' > "$work/ther"
printf 'Pat Before\n' > "$work/name1"
printf 'Pat After\n' > "$work/name2"
v=(--vault "$work/vault" --passphrase-file "$work/pass")
t=(--vault "$work/vault" --user "Tess Leaving" --passphrase-file "$work/ther")
"$cli" "${v[@]}" init --user "Dr Owner" > /dev/null 2>> "$work/cli.err" \
  && "$cli" --vault "$work/vault" --passphrase-file "$work/two" user add --name "Tess Leaving" \
    --role therapist > /dev/null 2>> "$work/cli.err" \
  && before=$("$cli" "${t[@]}" patient add --name-file "$work/name1" 2>> "$work/cli.err") \
  && ok "a therapist added a patient" \
  || { not_ok "a therapist added a patient"; sed 's/^/# /' "$work/cli.err"; }

"$attacks/removed-user.py" keep "$work/vault" "Tess Leaving" "$work/ther" "$work/copy" \
  "$work/keys" > "$work/out" 2>&1 \
  && grep -qx "kept: the keyring and 1 patient keys" "$work/out" \
  && ok "the therapist kept a keyring copy and the patient key they held" \
  || { not_ok "the therapist kept a keyring copy and the patient key they held"; \
    sed 's/^/# /' "$work/out"; }

# Refusals, each with its reason and nothing changed.
"$cli" "${v[@]}" user remove --name "Dr Owner" > /dev/null 2> "$work/err"
[ $? -ne 0 ] && grep -q "You cannot remove yourself" "$work/err" \
  && ok "the owner cannot remove themself" || not_ok "the owner cannot remove themself"
"$cli" "${v[@]}" user remove --name "No Such Person" > /dev/null 2> "$work/err"
[ $? -ne 0 ] && grep -q "There is no user of that name" "$work/err" \
  && ok "removing an unknown name is refused" || not_ok "removing an unknown name is refused"
"$cli" "${t[@]}" user remove --name "Dr Owner" > /dev/null 2> "$work/err"
[ $? -ne 0 ] && ok "a therapist cannot remove anyone" || not_ok "a therapist cannot remove anyone"

"$cli" "${v[@]}" user remove --name "Tess Leaving" > "$work/out" 2>> "$work/cli.err" \
  && grep -q "Tess Leaving was removed" "$work/out" \
  && grep -q "New recovery key" "$work/out" \
  && ok "the owner removed the therapist and got a new recovery key" \
  || { not_ok "the owner removed the therapist and got a new recovery key"; \
    sed 's/^/# /' "$work/cli.err"; }
"$cli" "${v[@]}" user list > "$work/out" 2>> "$work/cli.err"
grep -q "Tess Leaving" "$work/out" && not_ok "the removed user is no longer listed" \
  || ok "the removed user is no longer listed"
"$cli" "${v[@]}" audit list > "$work/out" 2>> "$work/cli.err"
grep -q "user.remove" "$work/out" && ok "the removal is audited" || not_ok "the removal is audited"
after=$("$cli" "${v[@]}" patient add --name-file "$work/name2" 2>> "$work/cli.err") \
  && ok "the owner added a patient after the removal" \
  || not_ok "the owner added a patient after the removal"

"$cli" "${t[@]}" patient list > /dev/null 2> "$work/err"
[ $? -ne 0 ] && ok "the removed user cannot unlock" || not_ok "the removed user cannot unlock"

"$attacks/removed-user.py" try "$work/vault" "Tess Leaving" "$work/ther" "$work/copy" \
  "$work/keys" > "$work/out" 2>&1
sed 's/^/# /' "$work/out"
grep -q "^opened" "$work/out" && not_ok "the old keyring copy and passphrase open nothing" \
  || { grep -qx "unwrapped: the old keyring entry with the old passphrase" "$work/out" \
    && grep -qx "refused: the old database key does not open the database" "$work/out" \
    && grep -qx "refused: the current keyring has no entry for this user" "$work/out" \
    && ok "the old keyring copy and passphrase open nothing" \
    || not_ok "the old keyring copy and passphrase open nothing"; }
# The old copy put back in place of the keyring: the CLI refuses it too.
cp "$work/vault/keyring" "$work/current"
cp "$work/copy" "$work/vault/keyring"
"$cli" "${t[@]}" patient list > /dev/null 2> "$work/err"
[ $? -ne 0 ] && ok "the old keyring copy does not unlock the vault" \
  || not_ok "the old keyring copy does not unlock the vault"
cp "$work/current" "$work/vault/keyring"
"$cli" "${v[@]}" patient list > "$work/out" 2>> "$work/cli.err" \
  && grep -q "Pat Before" "$work/out" && grep -q "Pat After" "$work/out" \
  && ok "the owner still reads both patients" || not_ok "the owner still reads both patients"

echo "1..$n"
[ "$failed" -eq 0 ]
