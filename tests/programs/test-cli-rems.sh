#!/usr/bin/env bash
# test-cli-rems.sh: confidant-cli rems form and rems submitted, and REMS forms in the worklist (TAP).
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
today=$(date -u +%Y-%m-%d)
expect 0 "init" -- "$cli" "${a[@]}" init --user "Dr Owner"
expect 0 "patient add" -- "$cli" "${a[@]}" patient add --name "Rowan Hale" --birth-date 1984-03-09
id=$(cat "$work/out")
cat > "$work/practice" <<'PRACTICE'
[Practice]
Name=Riverside Ketamine Clinic
Phone=+1 555 0100
PRACTICE
"$cli" "${a[@]}" practice set --file "$work/practice" >/dev/null 2>&1

cat > "$work/esketamine" <<'NOTE'
medication: esketamine
route: intranasal
weight-kg: 70
dose-mg: 84
devices: 3
device-1-time: 09:00
device-2-time: 09:05
device-3-time: 09:10
lot-number: LOT-5X19
vitals: 08:50 128/82 72 98
vitals: 09:40 138/88 76 96
vitals: 10:58 124/80 70 97
moaas: 4
observation-minutes: 125
ready-to-leave-time: 11:00
discharge-time: 11:05
discharge-criteria-met: yes
NOTE
expect 0 "an esketamine dosing draft" -- "$cli" "${a[@]}" note add --patient "$id" --kind dosing --date "$today" --file "$work/esketamine"
draft=$(cat "$work/out")
expect 1 "rems form of a draft is refused" -- "$cli" "${a[@]}" rems form --record "$draft" --pdf "$work/draft.pdf"
has err "still a draft" "the refusal says it is a draft"
[ ! -e "$work/draft.pdf" ] && ok "no PDF for a draft" || not_ok "no PDF for a draft"
expect 0 "sign it" -- "$cli" "${a[@]}" note sign "$draft"
record="$draft"

expect 2 "rems form without --pdf" -- "$cli" "${a[@]}" rems form --record "$record"
expect 1 "rems form of an unknown record" -- "$cli" "${a[@]}" rems form --record 0123456789abcdef --pdf "$work/x.pdf"
expect 0 "rems form" -- "$cli" "${a[@]}" rems form --record "$record" --pdf "$work/pmf.pdf"
has out "^missing	Patient: Sex\$" "sex is listed as missing"
has out "^missing	During monitoring, did the patient experience: Sedation\$" "sedation is listed as missing"
grep -q "missing	Treatment session: Dose administered" "$work/out" && not_ok "the dose is not missing" || ok "the dose is not missing"
if command -v pdftotext >/dev/null; then
  pdftotext -layout "$work/pmf.pdf" "$work/pmf.txt"
  has pmf.txt "Rowan Hale" "the PDF names the patient"
  has pmf.txt "84 mg" "the PDF has the dose"
  has pmf.txt "LOT-5X19" "the PDF has the lot"
  has pmf.txt "138/88 mmHg at 09:40" "the PDF has the 40-minute blood pressure"
  has pmf.txt "Riverside Ketamine Clinic" "the PDF has the healthcare setting"
  has pmf.txt "Patient: Sex" "the PDF lists what is missing"
else
  ok "# SKIP pdftotext (poppler-utils) is not installed"
fi
expect 0 "disclosures" -- "$cli" "${a[@]}" disclosures --patient "$id"
has out "SPRAVATO REMS" "the form is in the accounting of disclosures"

expect 0 "worklist" -- "$cli" "${a[@]}" worklist
has out "^rems-form-due	.*	$id	$record	dosing	Rowan Hale	REMS form due by " "the form is due in the worklist"
expect 0 "worklist --json" -- "$cli" "${a[@]}" worklist --json
has out "\"kind\":\"rems-form-due\".*\"overdue\":false" "due, not overdue, as JSON"

expect 2 "rems submitted with a bad date" -- "$cli" "${a[@]}" rems submitted --record "$record" --date 12/01/2026 --confirmation X
expect 1 "rems submitted in the future" -- "$cli" "${a[@]}" rems submitted --record "$record" --date 2999-01-01 --confirmation X
has err "in the future" "the refusal says why"
expect 0 "rems submitted" -- "$cli" "${a[@]}" rems submitted --record "$record" --date "$today" --confirmation PMF-30017
expect 0 "worklist after" -- "$cli" "${a[@]}" worklist
grep -q "rems-form-due" "$work/out" && not_ok "a submitted form leaves the worklist" || ok "a submitted form leaves the worklist"
expect 0 "audit" -- "$cli" "${a[@]}" audit list
grep -q "rems.submitted" "$work/out" && ok "the submission is audited" || { not_ok "the submission is audited"; head -5 "$work/out" | sed 's/^/# /'; }
expect 0 "rems form again" -- "$cli" "${a[@]}" rems form --record "$record" --pdf "$work/pmf2.pdf"
if command -v pdftotext >/dev/null; then
  pdftotext -layout "$work/pmf2.pdf" "$work/pmf2.txt"
  has pmf2.txt "PMF-30017" "the PDF shows the confirmation number"
fi

# Not esketamine.
sed -e 's/^medication: esketamine/medication: racemic-ketamine/' -e 's/^route: intranasal/route: im/' \
  -e '/^devices/d' -e '/^device-/d' "$work/esketamine" > "$work/im"
printf 'dose-time: 09:00\ndose-mg: 35\n' >> "$work/im"
grep -v '^dose-mg: 84' "$work/im" > "$work/im2"
expect 0 "a racemic ketamine draft" -- "$cli" "${a[@]}" note add --patient "$id" --kind dosing --date "$today" --file "$work/im2"
racemic=$(cat "$work/out")
expect 1 "rems form of racemic ketamine is refused" -- "$cli" "${a[@]}" rems form --record "$racemic" --pdf "$work/r.pdf"
has err "not esketamine" "the refusal says it is not esketamine"
expect 1 "rems submitted of racemic ketamine is refused" -- "$cli" "${a[@]}" rems submitted --record "$racemic" --date "$today" --confirmation X

echo "1..$n"
[ "$failed" -eq 0 ]
