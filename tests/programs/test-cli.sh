#!/usr/bin/env bash
# test-cli.sh: drives confidant-cli the way a script would, bad input included (TAP).
# The CLI has no weak-KDF switch, so every unlock here costs a real Argon2id run.
set -u
cli="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
vault="$work/vault"
n=0
failed=0

# Host hygiene: everything the CLI writes to temporary files lands in a
# folder of this test, and every message it prints on stderr is kept, so
# both can be searched for patient text and passphrases at the end.
export TMPDIR="$work/tmp"
mkdir -p "$TMPDIR"

ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }

# expect STATUS DESCRIPTION -- COMMAND...: the exit status must match.
expect () {
  local want="$1" what="$2"; shift 3
  "$@" >"$work/out" 2>"$work/err"
  local got=$?
  cat "$work/err" >> "$work/stderr.log"
  if [ "$got" -eq "$want" ]; then ok "$what"; else
    not_ok "$what (exit $got, wanted $want)"; sed 's/^/# /' "$work/err"; fi
}

printf 'owner passphrase\n' > "$work/pass"
printf 'wrong\n' > "$work/wrong"

expect 0 "--help lists commands" -- "$cli" --help
grep -q "patient add" "$work/out" && ok "help names patient add" || not_ok "help names patient add"
head -n 2 "$work/out" | grep -q "^  confidant-cli \[OPTION" && ok "the usage line names the program" \
  || not_ok "the usage line names the program"
expect 0 "a group's --help" -- "$cli" patient --help
grep -q "^  patient add " "$work/out" && grep -q "^  patient delete " "$work/out" \
  && ! grep -q "^  note add" "$work/out" && ok "patient --help lists the patient commands only" \
  || not_ok "patient --help lists the patient commands only"
expect 0 "a two-word group's --help" -- "$cli" supervisor --help
grep -q "^  supervisor card export" "$work/out" && ok "supervisor --help lists card export" \
  || not_ok "supervisor --help lists card export"
expect 2 "a group without a command" -- "$cli" patient
grep -q "'patient' needs a command" "$work/err" && grep -q "patient list" "$work/err" \
  && ok "the group's commands are listed on the error" || not_ok "the group's commands are listed on the error"
expect 2 "a group with an unknown command" -- "$cli" note frobnicate
grep -q "'frobnicate' is not a command of 'note'" "$work/err" && ok "the unknown command is named" \
  || not_ok "the unknown command is named"
expect 0 "a command's --help" -- "$cli" patient add --help
grep -q "confidant-cli \[OPTION…\] patient add" "$work/out" && ! grep -q "(null)" "$work/out" \
  && ok "a command's usage line names the program" || not_ok "a command's usage line names the program"
# The manual page and the completion come from the same table as --help.
expect 0 "the manual page" -- "$cli" --generate-man-page
for c in "patient add" "note discard" "review list" "backup create"; do
  if "$cli" --help | grep -q "^  $c"; then
    grep -qF ".B $c" "$work/out" && ok "the manual page lists $c" || not_ok "the manual page lists $c"
  fi
done
expect 0 "the bash completion" -- "$cli" --generate-bash-completion
bash -n "$work/out" && ok "the completion is valid bash" || not_ok "the completion is valid bash"
completion="$work/completion.bash"
cp "$work/out" "$completion"
complete_words () { bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _confidant_cli; printf "%s\n" "${COMPREPLY[@]}"' _ "$completion" "$@"; }
complete_words confidant-cli pat | grep -qx patient && ok "completion: the group" || not_ok "completion: the group"
complete_words confidant-cli --vault /tmp patient a | grep -qx add && complete_words confidant-cli patient a | grep -qx archive \
  && ok "completion: the group's commands" || not_ok "completion: the group's commands"
complete_words confidant-cli supervisor c | grep -qx card && ok "completion: a two-word command" || not_ok "completion: a two-word command"
expect 0 "--version" -- "$cli" --version
expect 2 "unknown command is a usage error" -- "$cli" frobnicate
expect 2 "no command is a usage error" -- "$cli"
expect 2 "init without --user" -- "$cli" --vault "$vault" init
expect 1 "patient list on a missing vault" -- "$cli" --vault "$vault" --passphrase-file "$work/pass" patient list

expect 0 "init" -- "$cli" --vault "$vault" --passphrase-file "$work/pass" init --user "Dr Owner"
grep -Eq '^    ([0-9A-Z]{4}-){8}[0-9A-Z]{4}$' "$work/out" && ok "init prints a recovery key" \
  || not_ok "init prints a recovery key"
recovery=$(grep -Eo '([0-9A-Z]{4}-){8}[0-9A-Z]{4}' "$work/out")
expect 1 "init twice fails" -- "$cli" --vault "$vault" --passphrase-file "$work/pass" init --user "Again"

expect 0 "patient add (stdin passphrase)" -- sh -c "'$cli' --vault '$vault' patient add --name 'Canary Pelham' --birth-date 1970-01-31 < '$work/pass'"
id=$(cat "$work/out")
[ ${#id} -eq 32 ] && ok "patient add prints an id" || not_ok "patient add prints an id"
expect 2 "patient add with a bad date" -- "$cli" --vault "$vault" --passphrase-file "$work/pass" patient add --name X --birth-date 1970-02-30
expect 1 "wrong passphrase" -- "$cli" --vault "$vault" --passphrase-file "$work/wrong" patient list
grep -q "passphrase is not correct" "$work/err" && ok "wrong passphrase is named" || not_ok "wrong passphrase is named"

expect 0 "patient list" -- "$cli" --vault "$vault" --passphrase-file "$work/pass" patient list
grep -q "Canary Pelham" "$work/out" && ok "list shows the patient" || not_ok "list shows the patient"
expect 0 "patient show" -- "$cli" --vault "$vault" --passphrase-file "$work/pass" patient show "$id"
grep -q "Birth date: 1970-01-31" "$work/out" && ok "show prints the birth date" || not_ok "show prints the birth date"
expect 1 "patient show of an unknown id" -- "$cli" --vault "$vault" --passphrase-file "$work/pass" patient show 0123456789abcdef0123456789abcdef

printf 'owner passphrase\nsupervisor passphrase\n' > "$work/two"
expect 0 "user add" -- "$cli" --vault "$vault" --passphrase-file "$work/two" user add --name "Sam Supervisor" --role supervisor
expect 0 "user list" -- "$cli" --vault "$vault" user list
grep -q "supervisor	Sam Supervisor" "$work/out" && ok "user list shows the supervisor" || not_ok "user list shows the supervisor"
printf 'supervisor passphrase\n' > "$work/sup"
expect 0 "supervisor unlocks" -- "$cli" --vault "$vault" --user "Sam Supervisor" --passphrase-file "$work/sup" patient list
[ ! -s "$work/out" ] && ok "supervisor without consent sees no patient" || not_ok "supervisor without consent sees no patient"

expect 2 "consent grant with a bad scope" -- "$cli" --vault "$vault" --passphrase-file "$work/pass" consent grant --patient "$id" --supervisor "Sam Supervisor" --scope everything --purpose x --obtained 2026-11-01 --method "signed form"
expect 1 "consent grant for a non-supervisor" -- "$cli" --vault "$vault" --passphrase-file "$work/pass" consent grant --patient "$id" --supervisor "Dr Owner" --scope all --purpose x --obtained 2026-11-01 --method "signed form"
expect 0 "consent grant" -- "$cli" --vault "$vault" --passphrase-file "$work/pass" consent grant --patient "$id" --supervisor "Sam Supervisor" --scope medical --purpose "Supervision" --obtained 2026-11-01 --method "signed form"
consent=$(cat "$work/out")
expect 0 "supervisor with consent" -- "$cli" --vault "$vault" --user "Sam Supervisor" --passphrase-file "$work/sup" patient list
grep -q "Canary Pelham" "$work/out" && ok "supervisor with consent sees the patient" || not_ok "supervisor with consent sees the patient"
expect 0 "consent list" -- "$cli" --vault "$vault" --passphrase-file "$work/pass" consent list --patient "$id"
grep -q "live	medical" "$work/out" && ok "consent list shows a live consent" || not_ok "consent list shows a live consent"
expect 0 "consent revoke" -- "$cli" --vault "$vault" --passphrase-file "$work/pass" consent revoke "$consent"
expect 0 "supervisor after revocation" -- "$cli" --vault "$vault" --user "Sam Supervisor" --passphrase-file "$work/sup" patient list
[ ! -s "$work/out" ] && ok "supervisor after revocation sees no patient" || not_ok "supervisor after revocation sees no patient"
expect 1 "supervisor may not revoke" -- "$cli" --vault "$vault" --user "Sam Supervisor" --passphrase-file "$work/sup" consent revoke "$consent"

printf '%s\nreset passphrase\n' "$recovery" > "$work/rec"
expect 0 "recover" -- "$cli" --vault "$vault" --passphrase-file "$work/rec" recover
# Every recovery issues a new recovery key; the one used opens nothing more.
new_recovery=$(grep -Eo '([0-9A-Z]{4}-){8}[0-9A-Z]{4}' "$work/out")
[ -n "$new_recovery" ] && [ "$new_recovery" != "$recovery" ] \
  && ok "recover prints a new recovery key" || not_ok "recover prints a new recovery key"
printf '%s\nanother reset passphrase\n' "$recovery" > "$work/rec-old"
expect 1 "the recovery key used before is refused" -- "$cli" --vault "$vault" --passphrase-file "$work/rec-old" recover
grep -q "does not belong to this vault" "$work/err" && ok "the old recovery key is named wrong" \
  || not_ok "the old recovery key is named wrong"
recovery="$new_recovery"
printf 'reset passphrase\n' > "$work/reset"
expect 0 "new passphrase works" -- "$cli" --vault "$vault" --passphrase-file "$work/reset" patient list
expect 1 "old passphrase fails" -- "$cli" --vault "$vault" --passphrase-file "$work/pass" patient list

if grep -rq "Canary Pelham" "$vault"; then not_ok "patient name is not on disk"; else ok "patient name is not on disk"; fi

audit=(--vault "$vault" --passphrase-file "$work/reset" audit)
expect 0 "audit verify" -- "$cli" "${audit[@]}" verify
grep -q "^intact" "$work/out" && ok "verify reports intact" || not_ok "verify reports intact"
expect 0 "audit checkpoint" -- "$cli" "${audit[@]}" checkpoint
receipt=$(cat "$work/out")
grep -Eq '^seq [0-9]+ · ([0-9A-Z]{4}-){3}[0-9A-Z]{4}$' "$work/out" && ok "checkpoint prints a receipt" \
  || not_ok "checkpoint prints a receipt"
expect 0 "audit verify --receipt" -- "$cli" "${audit[@]}" verify --receipt "$receipt"
expect 1 "a receipt from the future is a rollback" -- "$cli" "${audit[@]}" verify --receipt "seq 999999 · 0000-0000-0000-0000"
grep -q "rolled-back" "$work/out" && ok "rollback is named" || not_ok "rollback is named"
expect 2 "malformed receipt" -- "$cli" "${audit[@]}" verify --receipt "not a receipt"
expect 0 "audit list" -- "$cli" "${audit[@]}" list --action vault.unlock --limit 0
grep -q "failure" "$work/out" && ok "failed unlocks reached the log" || not_ok "failed unlocks reached the log"
expect 2 "audit list with a bad date" -- "$cli" "${audit[@]}" list --since yesterday
expect 0 "audit export" -- "$cli" "${audit[@]}" export --out "$work/audit.csv" --patient "$id"
grep -q "patient.create" "$work/audit.csv" && ok "export holds the patient's records" || not_ok "export holds the patient's records"
if grep -q "Canary Pelham" "$work/audit.csv"; then not_ok "export names no patient"; else ok "export names no patient"; fi

# Backups: written, listed, verified, damaged, restored, and never over a vault.
media="$work/media"
mkdir -p "$media"
expect 0 "backup media" -- "$cli" backup media
expect 2 "backup create without --to" -- "$cli" --vault "$vault" --passphrase-file "$work/reset" backup create
expect 0 "backup create" -- "$cli" --vault "$vault" --passphrase-file "$work/reset" backup create --to "$media" --generations 2
backup=$(ls "$media"/confidant-*.cfdbackup 2>/dev/null | head -n 1)
[ -n "$backup" ] && ok "backup file written" || not_ok "backup file written"
if grep -q "Canary Pelham" "$backup"; then not_ok "backup names no patient"; else ok "backup names no patient"; fi
expect 0 "backup list" -- "$cli" backup list --to "$media"
grep -q "$(basename "$backup")" "$work/out" && ok "list shows the backup" || not_ok "list shows the backup"
expect 0 "backup verify" -- "$cli" --vault "$vault" --passphrase-file "$work/reset" backup verify "$backup"
cp "$backup" "$work/damaged.cfdbackup"
size=$(stat -c %s "$work/damaged.cfdbackup")
# Flip every bit of one byte near the end, so the byte always changes.
byte=$(od -An -tu1 -j $((size - 100)) -N1 "$work/damaged.cfdbackup" | tr -d ' ')
printf "\\$(printf '%03o' $((255 - byte)))" | dd of="$work/damaged.cfdbackup" bs=1 seek=$((size - 100)) conv=notrunc 2>/dev/null
expect 1 "a damaged backup fails verification" -- "$cli" --vault "$work/none" --passphrase-file "$work/reset" backup verify "$work/damaged.cfdbackup"
grep -q "damaged or was altered" "$work/err" && ok "damage is named" || not_ok "damage is named"
expect 1 "a wrong passphrase is named" -- "$cli" --vault "$work/none" --passphrase-file "$work/wrong" backup verify "$backup"
expect 0 "restore" -- "$cli" --passphrase-file "$work/reset" restore "$backup" --into "$work/restored"
expect 0 "the restored vault opens" -- "$cli" --vault "$work/restored" --passphrase-file "$work/reset" patient list
grep -q "Canary Pelham" "$work/out" && ok "the restored vault has the patient" || not_ok "the restored vault has the patient"
expect 1 "restore refuses an existing vault" -- "$cli" --passphrase-file "$work/reset" restore "$backup" --into "$work/restored"
expect 2 "overwrite needs the folder typed again" -- "$cli" --passphrase-file "$work/reset" restore "$backup" --into "$work/restored" --overwrite-existing-vault "$work/other"
expect 1 "restore of a damaged backup" -- "$cli" --passphrase-file "$work/reset" restore "$work/damaged.cfdbackup" --into "$work/never"
[ ! -e "$work/never" ] && ok "a failed restore leaves nothing" || not_ok "a failed restore leaves nothing"
expect 0 "restore with the recovery key" -- sh -c "printf '%s\\n' '$recovery' | '$cli' restore '$backup' --into '$work/recovered' --recovery"
grep -q "recover" "$work/out" && ok "restore says how to set a passphrase" || not_ok "restore says how to set a passphrase"

# A folder named for backups that does not exist yet is made, private.
expect 0 "backup create into a new folder" -- "$cli" --vault "$vault" --passphrase-file "$work/reset" backup create --to "$work/new/media/deep"
[ "$(stat -c %a "$work/new/media/deep")" = 700 ] && [ "$(stat -c %a "$work/new/media")" = 700 ] \
  && ls "$work/new/media/deep"/confidant-*.cfdbackup > /dev/null 2>&1 \
  && ok "the new folder and its parent are 0700 and hold the backup" || not_ok "the new folder and its parent are 0700 and hold the backup"
printf 'not a folder\n' > "$work/plainfile"
expect 1 "backup create onto a file" -- "$cli" --vault "$vault" --passphrase-file "$work/reset" backup create --to "$work/plainfile/media"
grep -qF "$work/plainfile/media" "$work/err" && ok "the error names the folder" || not_ok "the error names the folder"

# The known-answer backup was made with production Argon2id parameters: a
# production build restores it. Its passphrase holds "café" in NFC, and typed
# in NFD (e + combining acute) it opens the restored vault too.
fixture="$G_TEST_SRCDIR/fixtures/backup/v1-moderate.cfdbackup"
printf 'caf\303\251 correct horse battery staple\n' > "$work/fixture-nfc"
printf 'cafe\314\201 correct horse battery staple\n' > "$work/fixture-nfd"
expect 0 "the known-answer backup verifies" -- "$cli" --vault "$work/none" --passphrase-file "$work/fixture-nfc" backup verify "$fixture"
expect 0 "the known-answer backup restores" -- "$cli" --passphrase-file "$work/fixture-nfc" restore "$fixture" --into "$work/fixture-vault"
expect 0 "the restored known-answer vault opens with the passphrase typed in NFD" -- "$cli" --vault "$work/fixture-vault" --passphrase-file "$work/fixture-nfd" patient list
grep -q "Ada Fixture" "$work/out" && ok "the known-answer vault holds its patient" || not_ok "the known-answer vault holds its patient"

# Clinical records: notes from files, signing, addenda, history, measures, search.
rec_args=(--vault "$vault" --passphrase-file "$work/reset")
cat > "$work/note1" <<'NOTE'
# An integration session
intentions: Kestrel-Canary-5521 meets the fear.
  A second line of it.
themes: ocean waves
NOTE
printf 'intentions: fine\nmoaas: 3\n' > "$work/badnote"
expect 2 "note add without --kind" -- "$cli" "${rec_args[@]}" note add --patient "$id" --file "$work/note1"
expect 2 "note add with an unknown kind" -- "$cli" "${rec_args[@]}" note add --patient "$id" --kind memo --file "$work/note1"
expect 2 "note add with a bad date" -- "$cli" "${rec_args[@]}" note add --patient "$id" --kind integration --date 2024-02-30 --file "$work/note1"
expect 1 "note add with a missing file" -- "$cli" "${rec_args[@]}" note add --patient "$id" --kind integration --file "$work/no-such-file"
expect 2 "note add with another kind's field" -- "$cli" "${rec_args[@]}" note add --patient "$id" --kind integration --file "$work/badnote"
grep -q "line 2" "$work/err" && ok "the bad line is named" || not_ok "the bad line is named"
expect 1 "note add for an unknown patient" -- "$cli" "${rec_args[@]}" note add --patient 0123456789abcdef0123456789abcdef --kind integration --file "$work/note1"
expect 0 "note add" -- "$cli" "${rec_args[@]}" note add --patient "$id" --kind integration --date 2024-03-01 --file "$work/note1"
rec=$(cat "$work/out")
[ ${#rec} -eq 32 ] && ok "note add prints an id" || not_ok "note add prints an id"
expect 0 "note show" -- "$cli" "${rec_args[@]}" note show "$rec"
grep -q "Kestrel-Canary-5521" "$work/out" && ok "show prints the note" || not_ok "show prints the note"
grep -q "psychotherapy note" "$work/out" && ok "show names the class" || not_ok "show names the class"
expect 1 "note show of an unknown id" -- "$cli" "${rec_args[@]}" note show 0123456789abcdef0123456789abcdef
printf 'intentions: Kestrel-Canary-5521 meets the fear, revised.\nthemes: ocean waves\n' > "$work/note2"
expect 2 "note edit without --file" -- "$cli" "${rec_args[@]}" note edit "$rec"
expect 2 "note edit with a bad file" -- "$cli" "${rec_args[@]}" note edit "$rec" --file "$work/badnote"
expect 0 "note edit" -- "$cli" "${rec_args[@]}" note edit "$rec" --file "$work/note2"
grep -q "revision 2" "$work/out" && ok "edit saves a new revision" || not_ok "edit saves a new revision"
expect 2 "note sign without an id" -- "$cli" "${rec_args[@]}" note sign
expect 0 "note sign" -- "$cli" "${rec_args[@]}" note sign "$rec"
expect 1 "signing twice is refused" -- "$cli" "${rec_args[@]}" note sign "$rec"
grep -q "signed and cannot be changed" "$work/err" && ok "immutability is named" || not_ok "immutability is named"

# Dosing records: the checks across fields apply to note sign too.
printf 'medication: esketamine\nroute: iv\nweight-kg: 70\ndose-mg: 300\n' > "$work/iv-esketamine"
expect 1 "carry-forward without a signed dosing session" -- "$cli" "${rec_args[@]}" note add --patient "$id" --kind dosing --carry-forward
expect 2 "carry-forward with a file" -- "$cli" "${rec_args[@]}" note add --patient "$id" --kind dosing --carry-forward --file "$work/iv-esketamine"
expect 0 "a dosing draft keeps IV esketamine 300 mg" -- "$cli" "${rec_args[@]}" note add --patient "$id" --kind dosing --file "$work/iv-esketamine"
dosing=$(cat "$work/out")
expect 1 "IV esketamine 300 mg is refused at signing" -- "$cli" "${rec_args[@]}" note sign "$dosing"
grep -q '“Route” must be intranasal for esketamine' "$work/err" \
  && grep -q '“Dose” of esketamine must be 28, 56 or 84 mg' "$work/err" \
  && ok "the refusal names route and dose" || not_ok "the refusal names route and dose"
# Session records (medical record): a link to a dosing draft is refused at signing.
printf 'start-time: 09:00\nend-time: 10:15\nmodality: telehealth-video\ntelehealth-location: Austin, Texas\nprogress: Calmer.\nrisk-status: low\nplan: Session-Plan-6620 weekly.\ndosing-record: %s\n' "$dosing" > "$work/session"
expect 0 "note add --kind session" -- "$cli" "${rec_args[@]}" note add --patient "$id" --kind session --date 2024-03-01 --file "$work/session"
session=$(cat "$work/out")
expect 1 "a session linked to an unsigned dosing record is refused at signing" -- "$cli" "${rec_args[@]}" note sign "$session"
grep -q '“Linked dosing record” names a dosing record that is not signed yet' "$work/err" \
  && ok "the refusal names the link" || not_ok "the refusal names the link"
grep -v '^dosing-record' "$work/session" > "$work/session2"
expect 0 "note edit of the session" -- "$cli" "${rec_args[@]}" note edit "$session" --file "$work/session2"
expect 0 "a session record without a link signs" -- "$cli" "${rec_args[@]}" note sign "$session"
expect 0 "note show of the session" -- "$cli" "${rec_args[@]}" note show "$session"
grep -q "Session-Plan-6620" "$work/out" && grep -q "medical record" "$work/out" \
  && ok "a session record is part of the medical record" || not_ok "a session record is part of the medical record"
expect 1 "editing a signed note is refused" -- "$cli" "${rec_args[@]}" note edit "$rec" --file "$work/note1"
expect 0 "note history" -- "$cli" "${rec_args[@]}" note history "$rec"
grep -q "current, signed" "$work/out" && grep -q "^1	.*	earlier$" "$work/out" \
  && ok "history shows both revisions" || not_ok "history shows both revisions"
printf 'reason: whim\ntext: x\n' > "$work/badadd"
expect 2 "note addendum with a bad reason" -- "$cli" "${rec_args[@]}" note addendum "$rec" --file "$work/badadd"
printf 'reason: correction\ntext: The session was on the 2nd.\n' > "$work/add1"
expect 0 "note addendum" -- "$cli" "${rec_args[@]}" note addendum "$rec" --file "$work/add1"
addendum=$(cat "$work/out")
expect 0 "show the addendum" -- "$cli" "${rec_args[@]}" note show "$addendum"
grep -q "Addendum to: $rec" "$work/out" && ok "the addendum names its record" || not_ok "the addendum names its record"
expect 2 "note list without --patient" -- "$cli" "${rec_args[@]}" note list
expect 0 "note list" -- "$cli" "${rec_args[@]}" note list --patient "$id"
grep -q "^$rec	2024-03-01	integration	signed" "$work/out" && grep -q "^$addendum	" "$work/out" \
  && ok "list shows the note and its addendum" || not_ok "list shows the note and its addendum"
printf 'reason: late-entry\n' > "$work/add2"
expect 0 "note addendum --draft, incomplete" -- "$cli" "${rec_args[@]}" note addendum "$rec" --file "$work/add2" --draft
draft_addendum=$(cat "$work/out")
expect 1 "an incomplete draft addendum is not signed" -- "$cli" "${rec_args[@]}" note sign "$draft_addendum"
printf 'reason: late-entry\ntext: Called back the next day.\n' > "$work/add3"
expect 0 "note edit on a draft addendum" -- "$cli" "${rec_args[@]}" note edit "$draft_addendum" --file "$work/add3"
expect 1 "a draft addendum keeps its date" -- "$cli" "${rec_args[@]}" note edit "$draft_addendum" --file "$work/add3" --date 2024-03-05
expect 0 "show the draft addendum" -- "$cli" "${rec_args[@]}" note show "$draft_addendum"
grep -q "Addendum to: $rec" "$work/out" && grep -q "Status: draft, revision 2" "$work/out" \
  && ok "the draft addendum names its record and revision" || not_ok "the draft addendum names its record and revision"
expect 0 "note sign on a draft addendum" -- "$cli" "${rec_args[@]}" note sign "$draft_addendum"
expect 0 "show the signed addendum" -- "$cli" "${rec_args[@]}" note show "$draft_addendum"
grep -q "Status: signed .*(signature verified)" "$work/out" && grep -q "Called back the next day." "$work/out" \
  && ok "the signed draft addendum verifies" || not_ok "the signed draft addendum verifies"
printf 'intentions: Stray-Canary-5522\n' > "$work/stray"
expect 0 "note add for a draft to discard" -- "$cli" "${rec_args[@]}" note add --patient "$id" --kind integration --file "$work/stray"
stray=$(cat "$work/out")
expect 2 "note discard without an id" -- "$cli" "${rec_args[@]}" note discard
expect 1 "a signed record is never discarded" -- "$cli" "${rec_args[@]}" note discard "$rec"
grep -q "signed and cannot be changed" "$work/err" && ok "discard names immutability" || not_ok "discard names immutability"
expect 0 "note discard" -- "$cli" "${rec_args[@]}" note discard "$stray"
expect 1 "a discarded draft is gone" -- "$cli" "${rec_args[@]}" note show "$stray"
expect 1 "discarding twice is refused" -- "$cli" "${rec_args[@]}" note discard "$stray"
expect 2 "note addendum --draft without --file" -- "$cli" "${rec_args[@]}" note addendum "$rec" --draft
expect 2 "measure add with too few items" -- "$cli" "${rec_args[@]}" measure add --patient "$id" --instrument phq9 --items 1,2,3
expect 2 "measure add with an item above 3" -- "$cli" "${rec_args[@]}" measure add --patient "$id" --instrument gad7 --items 0,0,0,4,0,0,0
expect 2 "measure add with an unknown instrument" -- "$cli" "${rec_args[@]}" measure add --patient "$id" --instrument bdi --items 1
expect 2 "measure add with junk items" -- "$cli" "${rec_args[@]}" measure add --patient "$id" --instrument gad7 --items 1,x,1,1,1,1,1
expect 0 "measure add" -- "$cli" "${rec_args[@]}" measure add --patient "$id" --instrument phq9 --items 3,3,3,3,2,2,1,0,1 --date 2024-03-02
grep -q "	18	moderately severe$" "$work/out" && ok "measure prints total and band" || not_ok "measure prints total and band"
expect 0 "patient show after item 9" -- "$cli" "${rec_args[@]}" patient show "$id"
grep -q "Risk flag: raised" "$work/out" && ok "item 9 raised the risk flag" || not_ok "item 9 raised the risk flag"
expect 0 "measure list" -- "$cli" "${rec_args[@]}" measure list --patient "$id"
grep -q "phq9 18 moderately severe" "$work/out" && ! grep -q "integration" "$work/out" \
  && ok "measure list shows only measures" || not_ok "measure list shows only measures"
expect 0 "measure instruments" -- "$cli" "${rec_args[@]}" measure instruments
grep -q "^pcl5	PCL-5	20 items	self-report	cluster-rule	Public domain" "$work/out" \
  && grep -q "^qids-sr16	QIDS-SR16	16 items" "$work/out" && ! grep -qi "madrs" "$work/out" \
  && ok "measure instruments lists the definitions" || not_ok "measure instruments lists the definitions"
expect 0 "measure add pcl5 in an interview" -- "$cli" "${rec_args[@]}" measure add --patient "$id" --instrument pcl5 --mode interview \
  --items 2,0,0,0,0,2,0,2,2,0,0,0,0,0,2,2,0,0,0,0
grep -q "	12	below	met$" "$work/out" && ok "pcl5 prints total, band and the cluster rule" || not_ok "pcl5 prints total, band and the cluster rule"
expect 0 "measure add ebi" -- "$cli" "${rec_args[@]}" measure add --patient "$id" --instrument ebi --items 0,100,50,50,75,25,100,100
grep -q "	62.5$" "$work/out" && ok "ebi prints the mean" || not_ok "ebi prints the mean"
expect 2 "measure add with a skipped scored item" -- "$cli" "${rec_args[@]}" measure add --patient "$id" --instrument ebi --items 0,100,-,50,75,25,100,100
expect 2 "measure add with a bad mode" -- "$cli" "${rec_args[@]}" measure add --patient "$id" --instrument gad7 --items 0,0,0,0,0,0,0 --mode phone
expect 0 "search" -- "$cli" "${rec_args[@]}" search "KESTREL-canary"
grep -q "$rec" "$work/out" && ok "search finds the note" || not_ok "search finds the note"
expect 0 "search for absent text" -- "$cli" "${rec_args[@]}" search "no such words anywhere"
[ ! -s "$work/out" ] && ok "nothing is found" || not_ok "nothing is found"
expect 2 "search without text" -- "$cli" "${rec_args[@]}" search
if grep -rq "Kestrel-Canary-5521" "$vault"; then not_ok "note text is not on disk"; else ok "note text is not on disk"; fi

# Export: the medical record as PDF; psychotherapy notes only when asked for.
printf 'subjective: Heron-Medical-4410 slept better.\nplan: Review in two weeks.\n' > "$work/progress"
expect 0 "note add (progress)" -- "$cli" "${rec_args[@]}" note add --patient "$id" --kind progress --date 2024-03-03 --file "$work/progress"
progress=$(cat "$work/out")
expect 0 "note sign (progress)" -- "$cli" "${rec_args[@]}" note sign "$progress"
expect 2 "export without --pdf" -- "$cli" "${rec_args[@]}" export --patient "$id"
expect 2 "export without --patient" -- "$cli" "${rec_args[@]}" export --pdf "$work/x.pdf"
expect 1 "export of an unknown patient" -- "$cli" "${rec_args[@]}" export --patient 0123456789abcdef0123456789abcdef --pdf "$work/x.pdf" --recipient "Dr. Lee, Northside Psychiatry" --purpose "continuity of care" --basis treatment
expect 1 "export into a missing folder" -- "$cli" "${rec_args[@]}" export --patient "$id" --pdf "$work/no-such-folder/x.pdf" --recipient "Dr. Lee, Northside Psychiatry" --purpose "continuity of care" --basis treatment
grep -q "folder to save the PDF in does not exist" "$work/err" && ok "the missing folder is named" || not_ok "the missing folder is named"
expect 1 "export onto a folder" -- "$cli" "${rec_args[@]}" export --patient "$id" --pdf "$work" --recipient "Dr. Lee, Northside Psychiatry" --purpose "continuity of care" --basis treatment
expect 1 "a supervisor may not export" -- "$cli" --vault "$vault" --user "Sam Supervisor" --passphrase-file "$work/sup" export --patient "$id" --pdf "$work/sup.pdf" --recipient "Dr. Lee, Northside Psychiatry" --purpose "continuity of care" --basis treatment
[ ! -e "$work/sup.pdf" ] && grep -q "supervisor may not export" "$work/err" && ok "the supervisor is told why, and no file is made" \
  || not_ok "the supervisor is told why, and no file is made"
expect 0 "export" -- "$cli" "${rec_args[@]}" export --patient "$id" --pdf "$work/record.pdf" --recipient "Dr. Lee, Northside Psychiatry" --purpose "continuity of care" --basis treatment
[ "$(stat -c %a "$work/record.pdf")" = 600 ] && ok "the PDF is private to its owner (0600)" || not_ok "the PDF is private to its owner (0600)"
# Psychotherapy notes leave only under the patient's recorded authorization (45 CFR 164.508(a)(2)).
notes_terms=(--recipient "Dr. Lee, Northside Psychiatry" --purpose "continuity of care" --basis "patient's authorization")
expect 2 "a PDF with psychotherapy notes needs --authorization" -- "$cli" "${rec_args[@]}" export --patient "$id" --pdf "$work/with-notes.pdf" --include-psychotherapy "${notes_terms[@]}"
[ ! -e "$work/with-notes.pdf" ] && grep -q "needs --authorization ID" "$work/err" && ok "without one, no PDF is made and the option is named" \
  || not_ok "without one, no PDF is made and the option is named"
expect 1 "a PDF under an authorization that is not recorded is refused" -- "$cli" "${rec_args[@]}" export --patient "$id" --pdf "$work/with-notes.pdf" --include-psychotherapy --authorization AUTH-2026-014 "${notes_terms[@]}"
[ ! -e "$work/with-notes.pdf" ] && grep -q "No authorization AUTH-2026-014 of this patient is recorded" "$work/err" \
  && ok "the unrecorded authorization is named and no PDF is made" || not_ok "the unrecorded authorization is named and no PDF is made"
cat > "$work/authorization" <<'AUTH'
scope: psychotherapy-notes
description: Integration session notes
disclosed-by: Riverside Ketamine Clinic
recipient: Dr. Lee, Northside Psychiatry
purpose: continuity of care
expires: 2099-12-31
signed-by: the patient
signed-on: 2026-01-02
statement-revocation: yes
statement-conditioning: yes
statement-redisclosure: yes
AUTH
expect 0 "authorization add" -- "$cli" "${rec_args[@]}" authorization add --patient "$id" --file "$work/authorization"
auth=$(cat "$work/out")
expect 0 "export with psychotherapy notes" -- "$cli" "${rec_args[@]}" export --patient "$id" --pdf "$work/with-notes.pdf" --include-psychotherapy --authorization "$auth" "${notes_terms[@]}"
expect 0 "disclosures after the PDF with psychotherapy notes" -- "$cli" "${rec_args[@]}" disclosures --patient "$id"
grep -q "under authorization $auth" "$work/out" && ok "the accounting names the PDF's authorization" \
  || not_ok "the accounting names the PDF's authorization"
expect 0 "a second psychotherapy authorization" -- "$cli" "${rec_args[@]}" authorization add --patient "$id" --file "$work/authorization"
revoked=$(cat "$work/out")
expect 0 "authorization revoke" -- "$cli" "${rec_args[@]}" authorization revoke --id "$revoked"
expect 1 "a PDF under a revoked authorization is refused" -- "$cli" "${rec_args[@]}" export --patient "$id" --pdf "$work/revoked.pdf" --include-psychotherapy --authorization "$revoked" "${notes_terms[@]}"
[ ! -e "$work/revoked.pdf" ] && grep -q "was revoked on" "$work/err" && ok "a revoked authorization makes no PDF" \
  || not_ok "a revoked authorization makes no PDF"
if command -v pdftotext >/dev/null; then
  pdftotext "$work/record.pdf" "$work/record.txt"
  pdftotext "$work/with-notes.pdf" "$work/with-notes.txt"
  grep -q "Heron-Medical-4410" "$work/record.txt" && ok "the export holds the medical record" || not_ok "the export holds the medical record"
  ! grep -q "Kestrel-Canary-5521" "$work/record.txt" && ok "psychotherapy notes are left out by default" \
    || not_ok "psychotherapy notes are left out by default"
  grep -q "Psychotherapy notes are NOT included" "$work/record.txt" && ok "the cover says they are left out" \
    || not_ok "the cover says they are left out"
  grep -q "Kestrel-Canary-5521" "$work/with-notes.txt" && ok "--include-psychotherapy includes them" \
    || not_ok "--include-psychotherapy includes them"
  grep -q "Psychotherapy notes ARE included" "$work/with-notes.txt" && ok "the cover says they are included" \
    || not_ok "the cover says they are included"
  grep -q "Confidential — contains protected health information" "$work/record.txt" && ok "pages carry the confidentiality footer" \
    || not_ok "pages carry the confidentiality footer"
else
  ok "# SKIP pdftotext (poppler-utils) is not installed"
fi
expect 0 "audit list of exports" -- "$cli" "${rec_args[@]}" audit list --action patient.export --patient "$id"
grep -q "patient.export	patient	$id	success	medical-record disclosure:[0-9a-f]*$" "$work/out" \
  && grep -q "patient.export	patient	$id	success	medical-record+psychotherapy-notes disclosure:[0-9a-f]*$" "$work/out" \
  && grep -q "patient.export	patient	$id	denied	medical-record$" "$work/out" \
  && [ "$(grep -c "patient.export	patient	$id	denied" "$work/out")" -ge 3 ] \
  && ok "the audit log shows each export and what it included" || not_ok "the audit log shows each export and what it included"
if grep -q "Heron-Medical-4410\|Canary Pelham" "$work/out"; then not_ok "the audit log holds no patient text"; else ok "the audit log holds no patient text"; fi
rm -f "$work/record.pdf" "$work/with-notes.pdf" "$work/record.txt" "$work/with-notes.txt"

# Supervision capsules between this vault and a supervisor's own.
supvault="$work/supvault"
printf 'capsule supervisor passphrase\n' > "$work/cap"
sup_args=(--vault "$supvault" --passphrase-file "$work/cap")
expect 0 "a supervisor's own vault" -- "$cli" "${sup_args[@]}" init --user "Cleo Capsule"
expect 2 "supervisor card export without --out" -- "$cli" "${sup_args[@]}" supervisor card export
expect 0 "supervisor card export" -- "$cli" "${sup_args[@]}" supervisor card export --out "$work/cleo.cfdcard"
sup_fp=$(sed -n 's/^Fingerprint: //p' "$work/out")
expect 0 "supervisor card import" -- "$cli" "${rec_args[@]}" supervisor card import "$work/cleo.cfdcard"
[ -n "$sup_fp" ] && grep -q "Fingerprint: $sup_fp" "$work/out" && ok "both sides show one fingerprint" \
  || not_ok "both sides show one fingerprint"
head -c 100 "$work/cleo.cfdcard" > "$work/cut.cfdcard"
expect 1 "a cut-off card is refused" -- "$cli" "${rec_args[@]}" supervisor card import "$work/cut.cfdcard"
grep -q "incomplete" "$work/err" && ok "the cut is named" || not_ok "the cut is named"
expect 0 "consent for the card's supervisor" -- "$cli" "${rec_args[@]}" consent grant --patient "$id" --supervisor "Cleo Capsule" --scope all --purpose "Remote supervision" --obtained 2026-11-01 --method "signed form"
cap_consent=$(cat "$work/out")
expect 0 "consent list names the card's supervisor" -- "$cli" "${rec_args[@]}" consent list --patient "$id"
grep -q "Cleo Capsule may read" "$work/out" && ok "the card's supervisor is named" || not_ok "the card's supervisor is named"
expect 2 "capsule export without --out" -- "$cli" "${rec_args[@]}" capsule export --consent "$cap_consent"
expect 0 "capsule export" -- "$cli" "${rec_args[@]}" capsule export --consent "$cap_consent" --out "$work/pelham.cfdcapsule"
capsule=$(cat "$work/out")
if grep -q "Kestrel-Canary-5521" "$work/pelham.cfdcapsule"; then not_ok "the capsule is sealed"; else ok "the capsule is sealed"; fi
expect 0 "disclosures after a capsule" -- "$cli" "${rec_args[@]}" disclosures --patient "$id"
grep -q "Recipient:   Cleo Capsule" "$work/out" && grep -q "Purpose:     Remote supervision" "$work/out" \
  && grep -q "Description: Supervision capsule $capsule" "$work/out" \
  && ok "the accounting lists the capsule, its supervisor and the consent's purpose" \
  || not_ok "the accounting lists the capsule, its supervisor and the consent's purpose"
expect 1 "capsule import back into its own vault" -- "$cli" "${rec_args[@]}" capsule import "$work/pelham.cfdcapsule"
grep -q "comes from this very vault" "$work/err" && ok "the refusal is named" || not_ok "the refusal is named"
expect 0 "capsule import" -- "$cli" "${sup_args[@]}" capsule import "$work/pelham.cfdcapsule"
grep -q "$capsule" "$work/out" && ok "import prints the capsule id" || not_ok "import prints the capsule id"
expect 0 "capsule list" -- "$cli" "${sup_args[@]}" capsule list
grep -q "^$capsule	readable	" "$work/out" && ok "the capsule is listed as readable" || not_ok "the capsule is listed as readable"
expect 0 "capsule show" -- "$cli" "${sup_args[@]}" capsule show "$capsule"
grep -q "CAPSULE (read-only)" "$work/out" && grep -q "Kestrel-Canary-5521" "$work/out" \
  && ok "show marks the capsule and prints the note" || not_ok "show marks the capsule and prints the note"
expect 0 "capsule cosign" -- "$cli" "${sup_args[@]}" capsule cosign --capsule "$capsule" "$rec"
expect 0 "review export" -- "$cli" "${sup_args[@]}" review export --capsule "$capsule" --out "$work/reply.cfdreply"
expect 0 "review import" -- "$cli" "${rec_args[@]}" review import "$work/reply.cfdreply"
grep -q "^1 review added" "$work/out" && ok "the review is added" || not_ok "the review is added"
expect 1 "review import twice" -- "$cli" "${rec_args[@]}" review import "$work/reply.cfdreply"
grep -q "imported before" "$work/err" && ok "the replay is named" || not_ok "the replay is named"
expect 0 "review list shows the co-signature" -- "$cli" "${rec_args[@]}" review list --record "$rec"
grep -q "co-signed" "$work/out" && ok "the co-signature is on the record" || not_ok "the co-signature is on the record"
grep -q "co-signed	Cleo Capsule (card $sup_fp)	" "$work/out" && ok "review list names the co-signer and the card" \
  || not_ok "review list names the co-signer and the card"

# With every debug message on, commands whose output names no patient
# print nothing of one either (GLib prints debug messages on stdout).
printf 'intentions: Hygiene-Note-9931 in the debug log?\n' > "$work/hygiene-note"
export G_MESSAGES_DEBUG=all
"$cli" --vault "$vault" --passphrase-file "$work/reset" patient add --name "Quorra Hygienist" \
  > "$work/hygiene.log" 2>&1
hygiene_patient=$(grep -Eo '^[0-9a-f]{32}$' "$work/hygiene.log" | tail -n 1)
"$cli" --vault "$vault" --passphrase-file "$work/reset" note add --patient "$hygiene_patient" \
  --kind integration --file "$work/hygiene-note" >> "$work/hygiene.log" 2>&1
hygiene_note=$(grep -Eo '^[0-9a-f]{32}$' "$work/hygiene.log" | tail -n 1)
"$cli" --vault "$vault" --passphrase-file "$work/reset" note sign "$hygiene_note" >> "$work/hygiene.log" 2>&1
"$cli" --vault "$vault" --passphrase-file "$work/reset" backup create --to "$work/media" >> "$work/hygiene.log" 2>&1
"$cli" --vault "$vault" --passphrase-file "$work/reset" audit verify >> "$work/hygiene.log" 2>&1
unset G_MESSAGES_DEBUG
[ -n "$hygiene_note" ] && grep -q "DEBUG" "$work/hygiene.log" && ok "debug-logged commands ran" \
  || not_ok "debug-logged commands ran"

# No patient text or passphrase in logs, temporary files, vaults or backups.
canaries=("Canary Pelham" "Kestrel-Canary-5521" "Quorra Hygienist" "Hygiene-Note-9931"
          "owner passphrase" "reset passphrase" "supervisor passphrase"
          "capsule supervisor passphrase")
for canary in "${canaries[@]}"; do
  found=$(grep -rlF "$canary" "$work/stderr.log" "$work/hygiene.log" "$TMPDIR" "$vault" \
    "$work/media" "$work/restored" "$supvault" "$work/pelham.cfdcapsule" "$work/reply.cfdreply" \
    2>/dev/null)
  if [ -z "$found" ]; then ok "'$canary' is in no log, temporary file, vault or backup"
  else not_ok "'$canary' found in: $found"; fi
done

# Core dumps and dumpability: tests/test-process-hardening.sh.

echo "1..$n"
[ "$failed" -eq 0 ]
