#!/usr/bin/env bash
# test-cli-reads.sh: every confidant-cli command that decrypts patient data
# leaves its audit records, exactly (TAP). Each command runs in a session of
# its own; the records it added (seq above the last one before it, minus the
# session's vault.unlock and vault.lock, and the audit.view of the listing
# that finds them) must be exactly the expected ones.
# Reads a supervisor may not make are logged as denied.
set -u
cli="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export TMPDIR="$work/tmp"
mkdir -p "$TMPDIR"
n=0
failed=0

ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }

printf 'reads owner passphrase\n' > "$work/pass"
printf 'reads owner passphrase\nreads supervisor passphrase\n' > "$work/two"
printf 'reads supervisor passphrase\n' > "$work/sup"
v=(--vault "$work/vault" --passphrase-file "$work/pass")
s=(--vault "$work/vault" --passphrase-file "$work/sup" --user "Sid Supervisor")
printf 'subjective: Sleeping better\nplan: Review in two weeks\n' > "$work/note"
"$cli" "${v[@]}" init --user "Dr Reads" > /dev/null 2>> "$work/err" \
  && "$cli" --vault "$work/vault" --passphrase-file "$work/two" user add \
    --name "Sid Supervisor" --role supervisor > /dev/null 2>> "$work/err" \
  && patient=$("$cli" "${v[@]}" patient add --name "Rita Reader" --birth-date 1980-01-01 \
    2>> "$work/err") \
  && record=$("$cli" "${v[@]}" note add --patient "$patient" --kind progress \
    --file "$work/note" 2>> "$work/err") \
  && "$cli" "${v[@]}" note sign "$record" > /dev/null 2>> "$work/err" \
  && ok "a vault with a patient, a signed note and a supervisor" \
  || { not_ok "a vault with a patient, a signed note and a supervisor"; sed 's/^/# /' "$work/err";
       echo "1..$n"; exit 1; }

last_seq () { "$cli" "${v[@]}" audit list | head -1 | cut -f1; }

# expect OUTCOME "ACTION ACTION..." WHO COMMAND...: the actions (sorted) the
# command added, each with OUTCOME.
expect () {
  local outcome="$1" want="$2" who="$3"
  shift 3
  local before got
  before=$(last_seq)
  if [ "$who" = owner ]; then
    "$cli" "${v[@]}" "$@" > /dev/null 2>> "$work/err"
  else
    "$cli" "${s[@]}" "$@" > /dev/null 2>> "$work/err"
  fi
  got=$("$cli" "${v[@]}" audit list | awk -F'\t' -v b="$before" -v o="$outcome" \
    '$1 > b && $4 != "vault.unlock" && $4 != "vault.lock" && $4 != "audit.view" { print $4 ($7 == o ? "" : "(" $7 ")") }' \
    | sort | tr '\n' ' ' | sed 's/ $//')
  if [ "$got" = "$want" ]; then
    ok "$who: $1 $2 is audited: $want ($outcome)"
  else
    not_ok "$who: $1 $2 is audited: $want ($outcome)"
    echo "# got: $got"
  fi
}

expect success "patient.list" owner patient list
expect success "patient.view" owner patient show "$patient"
expect success "record.view" owner note show "$record"
expect success "record.list" owner note list --patient "$patient"
expect success "record.history record.view" owner note history "$record"
expect success "record.list" owner measure list --patient "$patient"
expect success "record.search" owner search Sleeping
expect success "consent.list" owner consent list --patient "$patient"
expect success "review.list" owner review list --record "$record"
terms=(--recipient "Dr. Lee, Northside Psychiatry" --purpose "continuity of care" --basis treatment)
expect success "chart.list patient.export patient.view record.list risk-flag.list" owner \
  export --patient "$patient" --pdf "$work/out.pdf" "${terms[@]}"
expect success "chart.list consent.list patient.export-fhir patient.view record.list" owner \
  export --patient "$patient" --fhir "$work/out.json" "${terms[@]}"
expect success "patient.export-csv record.list" owner \
  export --patient "$patient" --csv "$work/out.csv" "${terms[@]}"
expect success "patient.disclosures" owner disclosures --patient "$patient"
expect success "patient.view risk-flag.list" owner patient flag list --patient "$patient"
expect success "patient.list worklist.view" owner worklist --json

# A supervisor without a consent: every attempt is in the log, as denied.
expect denied "patient.view" supervisor patient show "$patient"
expect denied "record.view" supervisor note show "$record"
expect denied "review.list" supervisor review list --record "$record"

echo "1..$n"
[ "$failed" -eq 0 ]
