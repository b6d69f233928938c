#!/usr/bin/env bash
# test-attacks.sh: issue #17's attacks, made by programs written from
# docs/FORMATS.md alone with the attacker's own passphrase and the vault's
# files (never Confidant's API), against a vault the CLI made (TAP).
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

printf 'attack owner passphrase\n' > "$work/pass"
printf 'attack owner passphrase\nattack supervisor passphrase\n' > "$work/two"
printf 'attack supervisor passphrase\n' > "$work/sup"
v=(--vault "$work/vault" --passphrase-file "$work/pass")
"$cli" "${v[@]}" init --user "Dr Target" > /dev/null 2>> "$work/cli.err" \
  && "$cli" --vault "$work/vault" --passphrase-file "$work/two" user add --name "Sam Insider" \
    --role supervisor > /dev/null 2>> "$work/cli.err" \
  && ok "the CLI made a vault with a supervisor" \
  || { not_ok "the CLI made a vault with a supervisor"; sed 's/^/# /' "$work/cli.err"; }

# Finding 1: the owner's box_pk swapped in the users table.
if "$attacks/swap-box-pk.py" plant "$work/vault" "Sam Insider" "$work/sup" "$work/planted" \
  > "$work/out" 2>&1; then
  ok "the supervisor swapped the owner's box_pk with the database key"
else
  not_ok "the supervisor swapped the owner's box_pk with the database key"
fi
sed 's/^/# /' "$work/out"
patient=$("$cli" "${v[@]}" patient add --name "Vera Victim" --birth-date 1980-01-01 \
  2>> "$work/cli.err") && ok "the owner added a patient" \
  || { not_ok "the owner added a patient"; sed 's/^/# /' "$work/cli.err"; }
"$attacks/swap-box-pk.py" check "$work/vault" "Sam Insider" "$work/sup" "$work/planted" \
  "$patient" > "$work/out" 2>&1
sed 's/^/# /' "$work/out"
grep -qx "refused: the planted key does not open the patient's key" "$work/out" \
  && ok "the patient's key is not sealed to the swapped box_pk" \
  || not_ok "the patient's key is not sealed to the swapped box_pk"
grep -qx "vault.tamper records naming the owner's row: [1-9][0-9]*" "$work/out" \
  && ok "the swapped row is recorded as vault.tamper" \
  || not_ok "the swapped row is recorded as vault.tamper"

echo "1..$n"
[ "$failed" -eq 0 ]
