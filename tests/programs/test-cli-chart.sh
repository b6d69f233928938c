#!/usr/bin/env bash
# test-cli-chart.sh: confidant-cli's chart lists (problems, allergies, medications, trials) and the code search, driven as a script would (TAP).
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
lacks () { grep -q -- "$2" "$work/$1" && { not_ok "$3"; sed 's/^/# /' "$work/$1"; } || ok "$3"; }

printf 'owner passphrase\n' > "$work/pass"
a=(--vault "$vault" --passphrase-file "$work/pass")
expect 0 "init" -- "$cli" "${a[@]}" init --user "Dr Owner"
printf 'Canary Wrenfield' > "$work/name"
expect 0 "patient add" -- "$cli" "${a[@]}" patient add --name-file "$work/name"
id=$(cat "$work/out")

# Demographics: a full name recorded alone is split on reading, and kept.
expect 0 "patient show" -- "$cli" "${a[@]}" patient show "$id"
has out "^Given name: Canary (from the full name)$" "the given name split from the full name"
has out "^Family name: Wrenfield (from the full name)$" "the family name split from the full name"
printf 'female' > "$work/sex"; printf 'KAT-0042' > "$work/mrn"; printf 'Dr Ada Primary' > "$work/pcp"
expect 0 "patient edit demographics from files" -- "$cli" "${a[@]}" patient edit "$id" --sex-file "$work/sex" --mrn-file "$work/mrn" --primary-care-file "$work/pcp"
expect 0 "patient show" -- "$cli" "${a[@]}" patient show "$id"
has out "^Sex: female$" "sex shown"
has out "^MRN: KAT-0042$" "MRN shown"
has out "^Primary care: Dr Ada Primary$" "primary care shown"
has out "^Name: Canary Wrenfield$" "the full name is kept"
printf 'F' > "$work/sex"
expect 1 "an unknown sex is refused" -- "$cli" "${a[@]}" patient edit "$id" --sex-file "$work/sex"

# The code list is searchable without a vault.
expect 0 "problem codes by words" -- "$cli" problem codes recurrent moderate
has out "^F33.1	Major depressive disorder, recurrent, moderate$" "the code and its title"
expect 1 "no match is a failure" -- "$cli" problem codes zzzz

# Problems: the fields come from a file, never the command line.
printf 'code: F33.1\nonset: 2019-04\n' > "$work/problem"
expect 0 "problem add from a file" -- "$cli" "${a[@]}" problem add --patient "$id" --file "$work/problem"
problem=$(cat "$work/out")
expect 0 "problem list" -- "$cli" "${a[@]}" problem list --patient "$id"
has out "^$problem	1	active	F33.1 Major depressive disorder, recurrent, moderate (since 2019-04)	" "the title from the code list, revision 1"
printf 'code: F33.2\ntext: MDD, recurrent, severe\n' > "$work/edit"
expect 0 "problem edit" -- "$cli" "${a[@]}" problem edit --patient "$id" --entry "$problem" --file "$work/edit"
expect 0 "problem resolve" -- "$cli" "${a[@]}" problem resolve --patient "$id" --entry "$problem"
expect 0 "problem list (active)" -- "$cli" "${a[@]}" problem list --patient "$id"
lacks out "$problem" "a resolved problem is not active"
expect 0 "problem list --all" -- "$cli" "${a[@]}" problem list --patient "$id" --all
has out "^$problem	3	resolved	F33.2 MDD, recurrent, severe" "revision 3, resolved"
expect 0 "problem history" -- "$cli" "${a[@]}" problem history --patient "$id" --entry "$problem"
[ "$(wc -l < "$work/out")" -eq 3 ] && ok "three revisions kept" || not_ok "three revisions kept"
printf 'code: 33\ntext: x\n' > "$work/bad"
expect 1 "a malformed code is refused" -- "$cli" "${a[@]}" problem add --patient "$id" --file "$work/bad"
has err "ICD-10-CM code" "the refusal says why"
printf 'text x\n' > "$work/bad"
expect 1 "a line without a colon is refused" -- "$cli" "${a[@]}" problem add --patient "$id" --file "$work/bad"
expect 2 "add without --patient" -- "$cli" "${a[@]}" problem add --file "$work/problem"

# Allergies: empty is "not recorded", not "none".
expect 0 "allergy list (empty)" -- "$cli" "${a[@]}" allergy list --patient "$id"
has out "^Allergies: not recorded" "an empty list says not recorded"
printf 'nkda: yes\n' > "$work/nkda"
expect 0 "no known drug allergies" -- "$cli" "${a[@]}" allergy add --patient "$id" --file "$work/nkda"
printf 'substance: Penicillin\nreaction: hives\nseverity: moderate\n' > "$work/allergy"
expect 1 "an allergy beside NKDA is refused" -- "$cli" "${a[@]}" allergy add --patient "$id" --file "$work/allergy"
has err "mark it inactive" "the refusal says what to do"

# Medications: the class of a known name is flagged.
expect 0 "medication add from stdin" -- sh -c "printf 'name: Lorazepam\ndose: 1 mg\nfrequency: at night\n' | '$cli' --vault '$vault' --passphrase-file '$work/pass' medication add --patient '$id' --file -"
expect 0 "medication list" -- "$cli" "${a[@]}" medication list --patient "$id"
has out "	Lorazepam 1 mg at night	benzodiazepine	" "lorazepam flagged as a benzodiazepine"

printf 'drug: Sertraline\ndose: 200 mg\nweeks: 8\nresponse: partial\n' > "$work/trial"
expect 0 "trial add" -- "$cli" "${a[@]}" trial add --patient "$id" --file "$work/trial"
expect 0 "trial list" -- "$cli" "${a[@]}" trial list --patient "$id"
has out "	Sertraline 200 mg (8 weeks, response: partial)	" "the trial in one line"

# The PDF cover carries the chart: active problems, allergies, flagged medications.
expect 0 "export --pdf" -- "$cli" "${a[@]}" export --patient "$id" --pdf "$work/r.pdf" --recipient "the patient" --purpose "patient request" --basis "patient request"
if command -v pdftotext >/dev/null; then
  pdftotext "$work/r.pdf" "$work/r.txt"
  has r.txt "^Chart$" "the cover has a chart section"
  has r.txt "No known drug allergies" "the cover shows no known drug allergies"
  has r.txt "Lorazepam 1 mg at night — Benzodiazepine" "the cover flags the benzodiazepine"
  lacks r.txt "MDD, recurrent, severe" "a resolved problem is not on the cover"
else
  ok "# SKIP pdftotext is not installed"
fi

# Audited, and no patient text in the log.
expect 0 "audit list" -- "$cli" "${a[@]}" audit list
has out "chart.add" "adding is audited"
lacks out "Sertraline\|Lorazepam\|F33" "no chart text in the audit log"

echo "1..$n"
[ "$failed" -eq 0 ]
