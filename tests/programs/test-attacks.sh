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

# Finding 4: the supervisor erases their own audit records, chains the log
# again and signs a checkpoint over it. The owner locked after those
# records, so the owner's next unlock reports it (no receipt written down)
# and audit verify names the damage.
sup=(--vault "$work/vault" --user "Sam Insider" --passphrase-file "$work/sup")
"$cli" "${sup[@]}" patient list > /dev/null 2>> "$work/cli.err" \
  && "$cli" "${v[@]}" patient list > /dev/null 2>> "$work/cli.err" \
  && ok "the supervisor and then the owner used the vault" \
  || { not_ok "the supervisor and then the owner used the vault"; sed 's/^/# /' "$work/cli.err"; }
if "$attacks/rewrite-audit.py" "$work/vault" "Sam Insider" "$work/sup" > "$work/out" 2>&1; then
  ok "the supervisor rewrote the audit log and signed a checkpoint over it"
else
  not_ok "the supervisor rewrote the audit log and signed a checkpoint over it"
fi
sed 's/^/# /' "$work/out"
"$cli" "${v[@]}" audit verify > "$work/out" 2> "$work/err"
status=$?
sed 's/^/# /' "$work/out" "$work/err"
[ "$status" -eq 1 ] && grep -q "rolled-back" "$work/out" \
  && ok "audit verify names the rewrite (rolled-back, exit 1)" \
  || not_ok "audit verify names the rewrite (rolled-back, exit 1)"
grep -q "^warning: tampering found: The audit log was rolled back: it ends at record [0-9]*, before record [0-9]* you saw when you last locked the vault" "$work/err" \
  && ok "the owner's unlock warns on stderr" \
  || not_ok "the owner's unlock warns on stderr"
"$cli" "${v[@]}" audit list --action vault.tamper > "$work/out" 2>> "$work/cli.err"
sed 's/^/# /' "$work/out"
grep -q "vault.tamper	audit	[0-9]*	failure	rolled-back" "$work/out" \
  && ok "the rewrite is recorded as vault.tamper (audit, rolled-back)" \
  || not_ok "the rewrite is recorded as vault.tamper (audit, rolled-back)"

# Finding 5: a users row planted for a "therapist" whose keys the supervisor
# made, and a signed note by them. The note is named forged, never shown as
# verified, and recorded as vault.tamper.
if "$attacks/plant-author.py" "$work/vault" "Sam Insider" "$work/sup" "$patient" \
  > "$work/record" 2>&1; then
  ok "the supervisor planted an author row and a signed note"
else
  not_ok "the supervisor planted an author row and a signed note"
fi
record=$(cat "$work/record")
"$cli" "${v[@]}" note show "$record" > "$work/out" 2> "$work/err"
status=$?
sed 's/^/# /' "$work/out" "$work/err"
[ "$status" -ne 0 ] && ! grep -q "signature verified" "$work/out" \
  && grep -qx "confidant-cli: This record is forged: its author is not a user in the vault's signed roster, so its signature cannot be verified. It is not shown" "$work/err" \
  && ok "note show names the planted note forged" \
  || not_ok "note show names the planted note forged"
grep -q "^warning: tampering found: The database lists a user the signed roster does not vouch for" "$work/err" \
  && ok "the unlock warns of the planted author row" \
  || not_ok "the unlock warns of the planted author row"
"$cli" "${v[@]}" audit list --action vault.tamper > "$work/out" 2>> "$work/cli.err"
grep -q "vault.tamper	record	$record	failure" "$work/out" \
  && ok "the forged note is recorded as vault.tamper (record)" \
  || not_ok "the forged note is recorded as vault.tamper (record)"

# Finding 3: the supervisor, holding the patient's key under a consent,
# plants a second identity and a reader row for it; the owner revokes the
# consent. The rotation completes and carries nothing to the planted row.
"$cli" "${v[@]}" consent grant --patient "$patient" --supervisor "Sam Insider" --scope all \
  --purpose "Supervision" --obtained 2026-11-01 --method "signed form" > "$work/consent" \
  2>> "$work/cli.err" && ok "the owner granted the supervisor a consent" \
  || { not_ok "the owner granted the supervisor a consent"; sed 's/^/# /' "$work/cli.err"; }
consent=$(grep -o '[0-9a-f]\{32\}' "$work/consent" | head -1)
"$attacks/plant-reader.py" plant "$work/vault" "Sam Insider" "$work/sup" "$patient" \
  "$work/reader" > "$work/out" 2>&1 && ok "the supervisor planted a reader row" \
  || not_ok "the supervisor planted a reader row"
sed 's/^/# /' "$work/out"
"$cli" "${v[@]}" consent revoke "$consent" > "$work/out" 2>&1 \
  && ok "the owner revoked the consent (the key rotated)" \
  || { not_ok "the owner revoked the consent (the key rotated)"; sed 's/^/# /' "$work/out"; }
"$attacks/plant-reader.py" check "$work/vault" "Sam Insider" "$work/sup" "$patient" \
  "$work/reader" > "$work/out" 2>&1
sed 's/^/# /' "$work/out"
grep -qx "key version: 2" "$work/out" \
  && grep -qx "refused: no grant of the new key to the planted reader" "$work/out" \
  && ok "the planted reader did not survive the revocation" \
  || not_ok "the planted reader did not survive the revocation"
# The note planted earlier never opened under the patient key: the rotation
# leaves it behind and says so, rather than fail and leave the key in place.
"$cli" "${v[@]}" audit list --action vault.tamper > "$work/out" 2>> "$work/cli.err"
grep -q "vault.tamper	records	$record	failure	not rotated" "$work/out" \
  && ok "the unreadable planted note did not stop the rotation (vault.tamper, not rotated)" \
  || not_ok "the unreadable planted note did not stop the rotation (vault.tamper, not rotated)"

# Finding 2: consent scope by keys. Under a medical-only consent for 2026,
# the supervisor opens every key the vault holds for them, outside
# Confidant, and tries it on each record and revision: only the signed
# medical records of 2026 open; a psychotherapy note, a draft, its earlier
# revision and a record of 2025 do not.
scoped=$("$cli" "${v[@]}" patient add --name "Rosa Scope" --birth-date 1975-05-05 \
  2>> "$work/cli.err") && ok "the owner added a second patient" \
  || { not_ok "the owner added a second patient"; sed 's/^/# /' "$work/cli.err"; }
printf 'subjective: Inside the dates.\nplan: Review.\n' > "$work/in"
printf 'subjective: Before the dates.\nplan: Review.\n' > "$work/out-of-range"
printf 'intentions: A psychotherapy note.\n' > "$work/psy"
printf 'subjective: First words of a draft.\n' > "$work/draft1"
printf 'subjective: Second words of a draft.\n' > "$work/draft2"
printf 'subjective: Signed after the consent.\nplan: Review.\n' > "$work/after"
add_note () { "$cli" "${v[@]}" note add --patient "$scoped" --kind "$1" --date "$2" --file "$3" \
  2>> "$work/cli.err"; }
medical_in=$(add_note progress 2026-03-10 "$work/in") \
  && medical_out=$(add_note progress 2025-03-10 "$work/out-of-range") \
  && psy=$(add_note integration 2026-03-11 "$work/psy") \
  && draft=$(add_note progress 2026-03-12 "$work/draft1") \
  && "$cli" "${v[@]}" note edit "$draft" --file "$work/draft2" --date 2026-03-12 \
    > /dev/null 2>> "$work/cli.err" \
  && "$cli" "${v[@]}" note sign "$medical_in" > /dev/null 2>> "$work/cli.err" \
  && "$cli" "${v[@]}" note sign "$medical_out" > /dev/null 2>> "$work/cli.err" \
  && "$cli" "${v[@]}" note sign "$psy" > /dev/null 2>> "$work/cli.err" \
  && "$cli" "${v[@]}" consent grant --patient "$scoped" --supervisor "Sam Insider" \
    --scope medical --from 2026-01-01 --to 2026-12-31 --purpose "Supervision" \
    --obtained 2026-11-01 --method "signed form" > /dev/null 2>> "$work/cli.err" \
  && after=$(add_note progress 2026-04-01 "$work/after") \
  && "$cli" "${v[@]}" note sign "$after" > /dev/null 2>> "$work/cli.err" \
  && ok "the owner wrote four records and a draft and recorded a medical-only consent for 2026" \
  || { not_ok "the owner wrote four records and a draft and recorded a medical-only consent for 2026"; \
       sed 's/^/# /' "$work/cli.err"; }
"$attacks/scope-bypass.py" "$work/vault" "Sam Insider" "$work/sup" "$scoped" > "$work/out" 2>&1
sed 's/^/# /' "$work/out"
grep -qx "record $medical_in: opened" "$work/out" \
  && grep -qx "record $after: opened" "$work/out" \
  && ok "the supervisor's keys open the signed medical records of 2026 (before and after the consent)" \
  || not_ok "the supervisor's keys open the signed medical records of 2026 (before and after the consent)"
grep -qx "record $psy: refused" "$work/out" \
  && ok "a psychotherapy note does not open under a medical-only consent" \
  || not_ok "a psychotherapy note does not open under a medical-only consent"
grep -qx "record $medical_out: refused" "$work/out" \
  && ok "a record outside the consent's dates does not open" \
  || not_ok "a record outside the consent's dates does not open"
grep -qx "record $draft: refused" "$work/out" \
  && ok "a draft does not open" || not_ok "a draft does not open"
grep -qx "revision $draft/1: refused" "$work/out" \
  && ok "an earlier revision does not open" || not_ok "an earlier revision does not open"
# Finding 3, the revocation itself: the supervisor clears revoked_at of a
# revoked consent; the owner then signs a record the consent would cover.
# The signed revocation still decides: no key for the record, and the
# edit is recorded as vault.tamper. Then the revocation's row goes too:
# the audit log's consent.revoke still decides.
cleared=$("$cli" "${v[@]}" patient add --name "Cleo Revoked" --birth-date 1970-07-07 \
  2>> "$work/cli.err") \
  && "$cli" "${v[@]}" consent grant --patient "$cleared" --supervisor "Sam Insider" --scope all \
    --purpose "Supervision" --obtained 2026-11-01 --method "signed form" > "$work/consent" \
    2>> "$work/cli.err" \
  && revoked=$(grep -o '[0-9a-f]\{32\}' "$work/consent" | head -1) \
  && "$cli" "${v[@]}" consent revoke "$revoked" > /dev/null 2>> "$work/cli.err" \
  && ok "the owner granted and revoked a consent" \
  || { not_ok "the owner granted and revoked a consent"; sed 's/^/# /' "$work/cli.err"; }
"$attacks/clear-revocation.py" clear "$work/vault" "Sam Insider" "$work/sup" "$revoked" \
  > "$work/out" 2>&1 && ok "the supervisor cleared revoked_at" \
  || not_ok "the supervisor cleared revoked_at"
sed 's/^/# /' "$work/out"
printf 'subjective: Written after the revocation.\nplan: Review.\n' > "$work/later"
for round in clear erase; do
  if [ "$round" = erase ]; then
    "$attacks/clear-revocation.py" erase "$work/vault" "Sam Insider" "$work/sup" "$revoked" \
      > "$work/out" 2>&1 && grep -q "revocation rows left: 0" "$work/out" \
      && ok "the supervisor deleted the signed revocation too" \
      || not_ok "the supervisor deleted the signed revocation too"
    sed 's/^/# /' "$work/out"
  fi
  later=$("$cli" "${v[@]}" note add --patient "$cleared" --kind progress --date 2026-05-01 \
    --file "$work/later" 2>> "$work/cli.err") \
    && "$cli" "${v[@]}" note sign "$later" > /dev/null 2>> "$work/cli.err" \
    && ok "the owner signed a new record ($round)" \
    || { not_ok "the owner signed a new record ($round)"; sed 's/^/# /' "$work/cli.err"; }
  "$attacks/clear-revocation.py" check "$work/vault" "Sam Insider" "$work/sup" "$cleared" \
    "$later" > "$work/out" 2>&1
  sed 's/^/# /' "$work/out"
  grep -qx "record keys sealed to me: 0" "$work/out" && grep -qx "record $later: refused" "$work/out" \
    && ok "the supervisor got no key for the new record ($round)" \
    || not_ok "the supervisor got no key for the new record ($round)"
  "$cli" "${v[@]}" audit list --action vault.tamper > "$work/out" 2>> "$work/cli.err"
  seen=$(grep -c "vault.tamper	consent	$revoked	failure	revocation tampered with; treated as revoked" \
    "$work/out")
  [ "$seen" -gt "${before:-0}" ] \
    && ok "the cleared revocation is recorded as vault.tamper ($round)" \
    || not_ok "the cleared revocation is recorded as vault.tamper ($round)"
  before=$seen
  "$cli" "${sup[@]}" note show "$later" > /dev/null 2> "$work/err" \
    && not_ok "the supervisor is refused the new record in Confidant ($round)" \
    || ok "the supervisor is refused the new record in Confidant ($round)"
  sed 's/^/# /' "$work/err"
done

# Hardening finding 7: a supervisor who is a user of the vault takes a
# backup and reads it with their own passphrase. Format 2 backups are
# sealed under the practice's backup key, which only the owner and
# therapists hold.
mkdir -p "$work/media"
"$cli" "${v[@]}" backup create --to "$work/media" > /dev/null 2>> "$work/cli.err" \
  && ok "the owner made a backup" \
  || { not_ok "the owner made a backup"; sed 's/^/# /' "$work/cli.err"; }
backup=$(ls "$work/media"/*.cfdbackup 2> /dev/null | head -n 1)
"$attacks/read-backup.py" "$backup" "Sam Insider" "$work/sup" > "$work/out" 2>&1
sed 's/^/# /' "$work/out"
grep -q "^opened" "$work/out" && not_ok "the supervisor's keys open nothing in the backup" \
  || { grep -qx "refused: the database key does not open the stream" "$work/out" \
    && grep -qx "refused: no backup key entry opens with the supervisor's key" "$work/out" \
    && ok "the supervisor's keys open nothing in the backup" \
    || not_ok "the supervisor's keys open nothing in the backup"; }
"$cli" --user "Sam Insider" --passphrase-file "$work/sup" restore "$backup" \
  --into "$work/stolen" > "$work/out" 2> "$work/err"
status=$?
sed 's/^/# /' "$work/err"
[ "$status" -ne 0 ] && [ ! -e "$work/stolen/vault.db" ] \
  && grep -q "Only the practice's owner and therapists can open this backup" "$work/err" \
  && ok "restore refuses the supervisor, saying why, and writes nothing" \
  || not_ok "restore refuses the supervisor, saying why, and writes nothing"
"$cli" --passphrase-file "$work/pass" restore "$backup" --into "$work/restored" \
  > /dev/null 2>> "$work/cli.err" \
  && "$cli" --vault "$work/restored" --passphrase-file "$work/pass" patient list \
    > "$work/out" 2>> "$work/cli.err" && grep -q "Vera Victim" "$work/out" \
  && ok "the owner restores the same backup" \
  || { not_ok "the owner restores the same backup"; sed 's/^/# /' "$work/cli.err"; }

# A supervisor known by card: the supervisor in the vault puts keys of
# their own in the card supervisor's users row. The signed statement
# decides: the capsule is sealed to the card and the row is reported. Then
# they also sign a statement of their own: refused (a supervisor is not
# delegated), reported, and no capsule goes out to anyone.
printf 'card supervisor passphrase\n' > "$work/cardpass"
card=(--vault "$work/cardvault" --passphrase-file "$work/cardpass")
"$cli" "${card[@]}" init --user "Cleo Card" > /dev/null 2>> "$work/cli.err" \
  && "$cli" "${card[@]}" supervisor card export --out "$work/cleo.cfdcard" > /dev/null \
    2>> "$work/cli.err" \
  && "$cli" "${v[@]}" supervisor card import "$work/cleo.cfdcard" > /dev/null 2>> "$work/cli.err" \
  && card_consent=$("$cli" "${v[@]}" consent grant --patient "$patient" --supervisor "Cleo Card" \
    --scope all --purpose "Remote supervision" --obtained 2026-11-01 --method "signed form" \
    2>> "$work/cli.err") \
  && ok "the owner imported a supervisor's card and granted them consent" \
  || { not_ok "the owner imported a supervisor's card and granted them consent"; sed 's/^/# /' "$work/cli.err"; }
"$attacks/swap-card-keys.py" plant-row "$work/vault" "Sam Insider" "$work/sup" "Cleo Card" \
  "$work/card-planted" > "$work/out" 2>&1 \
  && ok "the supervisor swapped the card supervisor's keys in the users table" \
  || not_ok "the supervisor swapped the card supervisor's keys in the users table"
sed 's/^/# /' "$work/out"
card_id=$(sed -n 's/^card supervisor: //p' "$work/out")
"$cli" "${v[@]}" capsule export --consent "$card_consent" --out "$work/card.cfdcapsule" \
  > /dev/null 2> "$work/err"
status=$?
sed 's/^/# /' "$work/err"
[ "$status" -eq 0 ] && grep -q "^warning: tampering found: The database lists a user the signed roster does not vouch for (id $card_id): the row is ignored" "$work/err" \
  && ok "the capsule goes out and the owner's unlock names the swapped row" \
  || not_ok "the capsule goes out and the owner's unlock names the swapped row"
"$attacks/swap-card-keys.py" check "$work/vault" "Sam Insider" "$work/sup" "$work/card-planted" \
  "$work/card.cfdcapsule" > "$work/out" 2>&1
sed 's/^/# /' "$work/out"
grep -qx "refused: the planted key does not open the capsule" "$work/out" \
  && ok "the capsule is not sealed to the swapped keys" \
  || not_ok "the capsule is not sealed to the swapped keys"
grep -qx "vault.tamper records naming the card supervisor (user): [1-9][0-9]*" "$work/out" \
  && ok "the swapped row is recorded as vault.tamper (user)" \
  || not_ok "the swapped row is recorded as vault.tamper (user)"
"$cli" "${card[@]}" capsule import "$work/card.cfdcapsule" > /dev/null 2>> "$work/cli.err" \
  && ok "the real card supervisor opens the capsule" \
  || { not_ok "the real card supervisor opens the capsule"; sed 's/^/# /' "$work/cli.err"; }
"$attacks/swap-card-keys.py" plant "$work/vault" "Sam Insider" "$work/sup" "Cleo Card" \
  "$work/card-planted" > "$work/out" 2>&1 \
  && ok "the supervisor signed a statement for their own keys" \
  || not_ok "the supervisor signed a statement for their own keys"
sed 's/^/# /' "$work/out"
"$cli" "${v[@]}" capsule export --consent "$card_consent" --out "$work/card2.cfdcapsule" \
  > /dev/null 2> "$work/err"
status=$?
sed 's/^/# /' "$work/err"
grep -q "^warning: tampering found: The signed statement of a supervisor known by card (id $card_id) does not verify (A card supervisor's statement is not signed by an owner or therapist of the signed roster): that supervisor is ignored" "$work/err" \
  && ok "the owner's unlock names the refused statement on stderr" \
  || not_ok "the owner's unlock names the refused statement on stderr"
[ "$status" -ne 0 ] && [ ! -e "$work/card2.cfdcapsule" ] \
  && grep -q "^confidant-cli: This consent's supervisor is known by a card whose signed statement is missing or does not verify; nothing was sealed to them" "$work/err" \
  && ok "no capsule is sealed while the statement does not verify" \
  || not_ok "no capsule is sealed while the statement does not verify"
"$cli" "${v[@]}" audit list --action vault.tamper > "$work/out" 2>> "$work/cli.err"
grep -q "vault.tamper	card-supervisor	$card_id	failure	statement" "$work/out" \
  && ok "audit list shows vault.tamper (card-supervisor, statement)" \
  || not_ok "audit list shows vault.tamper (card-supervisor, statement)"
# A filed document: the supervisor, under a consent to everything, holds
# every key a consent gives and none opens the attachment; the owner's
# keys do (so the program can tell).
filed=$("$cli" "${v[@]}" patient add --name "Fern Filed" --birth-date 1975-03-03 \
  2>> "$work/cli.err") \
  && { printf '%%PDF-1.4\nATTACHMENT-MARKER-7f3a\n'; head -c 300000 /dev/zero; printf '%%%%EOF\n'; } \
    > "$work/referral.pdf" \
  && attachment=$("$cli" "${v[@]}" attach --patient "$filed" --file "$work/referral.pdf" \
    --type referral 2>> "$work/cli.err") \
  && "$cli" "${v[@]}" consent grant --patient "$filed" --supervisor "Sam Insider" --scope all \
    --purpose "Supervision" --obtained 2026-11-01 --method "signed form" > /dev/null \
    2>> "$work/cli.err" \
  && ok "the owner filed a PDF to a patient under a consent to everything" \
  || { not_ok "the owner filed a PDF to a patient under a consent to everything"; \
       sed 's/^/# /' "$work/cli.err"; }
"$attacks/read-attachment.py" "$work/vault" "Sam Insider" "$work/sup" "$filed" \
  ATTACHMENT-MARKER-7f3a > "$work/out" 2>&1
sed 's/^/# /' "$work/out"
grep -q "^keys held: [1-9]" "$work/out" && grep -qx "attachment $attachment: refused" "$work/out" \
  && ok "no key the supervisor holds opens the attachment" \
  || not_ok "no key the supervisor holds opens the attachment"
grep -qx "marker in the database: no" "$work/out" \
  && ok "the file's bytes are not in the database in the clear" \
  || not_ok "the file's bytes are not in the database in the clear"
"$attacks/read-attachment.py" "$work/vault" "Dr Target" "$work/pass" "$filed" \
  ATTACHMENT-MARKER-7f3a > "$work/out" 2>&1
sed 's/^/# /' "$work/out"
grep -qx "attachment $attachment: opened" "$work/out" \
  && ok "the owner's keys open it with the same program" \
  || not_ok "the owner's keys open it with the same program"

echo "1..$n"
[ "$failed" -eq 0 ]
