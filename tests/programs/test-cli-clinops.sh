#!/usr/bin/env bash
# test-cli-clinops.sh: confidant-cli's risk flag steps, retention, measure schedule and worklist, driven as a script would (TAP).
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
  cat "$work/err" >> "$work/stderr.log"
  if [ "$got" -eq "$want" ]; then ok "$what"; else
    not_ok "$what (exit $got, wanted $want)"; sed 's/^/# /' "$work/err"; fi
}
has () { grep -q -- "$2" "$work/$1" && ok "$3" || { not_ok "$3"; sed 's/^/# /' "$work/$1"; }; }

printf 'owner passphrase\n' > "$work/pass"
a=(--vault "$vault" --passphrase-file "$work/pass")
expect 0 "init" -- "$cli" "${a[@]}" init --user "Dr Owner"
expect 0 "patient add" -- "$cli" "${a[@]}" patient add --name "Canary Wrenfield" --birth-date 1980-05-02
id=$(cat "$work/out")

# Eleven signed records and no retention date set: deletion is refused now.
for i in 1 2 3 4 5 6 7 8 9 10; do
  "$cli" "${a[@]}" measure add --patient "$id" --instrument gad7 --items 1,1,1,1,0,0,0 --date 2024-0$(( (i % 9) + 1 ))-01 >/dev/null 2>>"$work/stderr.log"
done
expect 0 "a PHQ-9 with item 9 above 0" -- "$cli" "${a[@]}" measure add --patient "$id" --instrument phq9 --items 1,1,1,1,1,1,1,1,2 --date 2024-10-01
measure=$(cut -f1 "$work/out")
expect 0 "patient show" -- "$cli" "${a[@]}" patient show "$id"
has out "^Keep until: 20[0-9-]* (rule apa-2007: APA Record Keeping Guidelines (2007), guideline 7)" "patient show gives the date, rule and source"
has out "^Risk flag: raised" "the flag is raised"
expect 1 "delete with 11 signed records is refused" -- "$cli" "${a[@]}" patient delete "$id" --confirm "Canary Wrenfield"
has err "must be kept until" "the refusal names the date"
expect 1 "a manual date cannot shorten retention" -- "$cli" "${a[@]}" patient retain "$id" --until 2025-01-01
expect 0 "a manual date extends it" -- "$cli" "${a[@]}" patient retain "$id" --until 2099-01-01
expect 0 "patient show" -- "$cli" "${a[@]}" patient show "$id"
has out "^Keep until: 2099-01-01 .*extended by hand" "the extended date is shown"

# The flag's steps; the action text from a file or stdin, never argv.
expect 0 "flag list" -- "$cli" "${a[@]}" patient flag list --patient "$id"
has out "^Flag: open" "flag list says it is open"
grep -q "^1	raised	.*	Dr Owner	record $measure\$" "$work/out" && ok "raised by the measure, by Dr Owner" \
  || { not_ok "raised by the measure, by Dr Owner"; sed 's/^/# /' "$work/out"; }
printf 'Reviewed the safety plan by phone.\n' > "$work/review"
expect 1 "resolve before review is refused" -- "$cli" "${a[@]}" patient flag resolve --patient "$id" --file "$work/review"
has err "Review the risk flag before resolving it" "the refusal says why"
: > "$work/empty"
expect 1 "an empty action is refused" -- "$cli" "${a[@]}" patient flag review --patient "$id" --file "$work/empty"
expect 2 "flag review without --patient" -- "$cli" "${a[@]}" patient flag review --file "$work/review"
expect 0 "flag review from a file" -- "$cli" "${a[@]}" patient flag review --patient "$id" --file "$work/review"
expect 0 "flag resolve from stdin" -- sh -c "printf 'No ideation at follow-up.\n' | '$cli' --vault '$vault' --passphrase-file '$work/pass' patient flag resolve --patient '$id' --file -"
expect 0 "flag list after" -- "$cli" "${a[@]}" patient flag list --patient "$id"
has out "^Flag: none open" "the flag is down"
has out "reviewed	.*Reviewed the safety plan by phone" "the review is listed"
has out "resolved	.*No ideation at follow-up" "the resolution is listed"

# The worklist.
expect 0 "worklist" -- "$cli" "${a[@]}" worklist
[ ! -s "$work/out" ] && ok "nothing to do" || { not_ok "nothing to do"; sed 's/^/# /' "$work/out"; }
expect 0 "another PHQ-9 raises a new cycle" -- "$cli" "${a[@]}" measure add --patient "$id" --instrument phq9 --items 0,0,0,0,0,0,0,0,1 --date 2024-11-01
expect 0 "worklist --json" -- "$cli" "${a[@]}" worklist --json
has out "^{\"kind\":\"open-risk-flag\",\"patient\":\"$id\",\"name\":\"Canary Wrenfield\",\"record\":null" "the open flag, as JSON"
expect 0 "practice show" -- "$cli" "${a[@]}" practice show
has out "^\* apa-2007" "the default rule is marked"
has out "texas-22-tac-165.1	7	21" "the Texas rule is listed"
has out "^  pre-dose-systolic=140	.*(default 140: Spravato (esketamine) label" "the pre-dose threshold and its source"
has out "^  respiratory-rate-below=10	" "the respiratory rate threshold"
expect 2 "practice set with an unknown rule" -- "$cli" "${a[@]}" practice set --retention-rule forever

# Dosing thresholds: defaults with their sources, set per practice, bad input refused.
expect 0 "practice set --threshold" -- "$cli" "${a[@]}" practice set --threshold pre-dose-systolic=150 --threshold spo2-below=94
expect 0 "practice show after" -- "$cli" "${a[@]}" practice show
has out "^  pre-dose-systolic=150	" "the practice's value is shown"
has out "^  spo2-below=94	.*(default 92:" "next to the default"
expect 2 "an unknown threshold" -- "$cli" "${a[@]}" practice set --threshold temperature-above=38
has err "No threshold is called “temperature-above”" "the refusal names it"
expect 2 "a threshold out of its bounds" -- "$cli" "${a[@]}" practice set --threshold spo2-below=94 --threshold pre-dose-systolic=500
has err "pre-dose-systolic must be a whole number from 100 to 220" "the refusal gives the bounds"
expect 2 "a threshold without a value" -- "$cli" "${a[@]}" practice set --threshold pre-dose-systolic
expect 0 "practice show after the refusals" -- "$cli" "${a[@]}" practice show
has out "^  pre-dose-systolic=150	" "nothing changed by a refused command"

# A measure schedule feeds the worklist.
expect 2 "a malformed schedule rule" -- "$cli" "${a[@]}" measure schedule set --patient "$id" --rule phq9:weekly
has err "every-N-days" "the refusal shows the cadences"
expect 1 "an unknown instrument is refused" -- "$cli" "${a[@]}" measure schedule set --patient "$id" --rule phq9:before-each-dosing --rule madrs:every-7-days
has err "No instrument “madrs” is installed" "the refusal names the instrument"
expect 0 "schedule show before any" -- "$cli" "${a[@]}" measure schedule show --patient "$id"
[ ! -s "$work/out" ] && ok "no schedule yet" || { not_ok "no schedule yet"; sed 's/^/# /' "$work/out"; }
expect 0 "schedule set" -- "$cli" "${a[@]}" measure schedule set --patient "$id" --rule phq9:before-each-dosing --rule pcl5:every-30-days
expect 0 "schedule show" -- "$cli" "${a[@]}" measure schedule show --patient "$id"
has out "^phq9	before-each-dosing	PHQ-9\$" "the PHQ-9 rule"
has out "^pcl5	every-30-days	PCL-5\$" "the PCL-5 rule"
expect 0 "worklist with a schedule" -- "$cli" "${a[@]}" worklist
has out "^measure-due	-	$id	-	pcl5	Canary Wrenfield	no PCL-5 yet\$" "no PCL-5 yet: due"
grep -q "measure-due.*phq9" "$work/out" && not_ok "a PHQ-9 and no dosing since: not due" \
  || ok "a PHQ-9 and no dosing since: not due"
expect 0 "worklist --json with a schedule" -- "$cli" "${a[@]}" worklist --json
has out "^{\"kind\":\"measure-due\",\"patient\":\"$id\",.*\"instrument\":\"pcl5\",\"reason\":\"no PCL-5 yet\"}\$" "the measure due, as JSON"
expect 0 "schedule clear" -- "$cli" "${a[@]}" measure schedule clear --patient "$id"
expect 0 "schedule show after clear" -- "$cli" "${a[@]}" measure schedule show --patient "$id"
[ ! -s "$work/out" ] && ok "the schedule is gone" || { not_ok "the schedule is gone"; sed 's/^/# /' "$work/out"; }
expect 0 "audit list for the schedule" -- "$cli" "${a[@]}" audit list
[ "$(grep -c "patient.measure-schedule" "$work/out")" -eq 2 ] && ok "set and clear are audited" \
  || { not_ok "set and clear are audited"; grep "measure-schedule" "$work/out" | sed 's/^/# /'; }

# Override: a reason from a file, audited, a disposition entry remains.
expect 1 "override without a reason (empty stdin)" -- sh -c "'$cli' --vault '$vault' --passphrase-file '$work/pass' patient delete '$id' --confirm 'Canary Wrenfield' --override-retention < /dev/null"
printf 'Records transferred to the new provider.\n' > "$work/reason"
expect 0 "override with a reason" -- "$cli" "${a[@]}" patient delete "$id" --confirm "Canary Wrenfield" --override-retention --reason-file "$work/reason"
expect 0 "practice dispositions" -- "$cli" "${a[@]}" practice dispositions
has out "^$id	.*	apa-2007	2099-01-01	.*	Records transferred to the new provider." "the disposition entry"
grep -q "Canary" "$work/out" && not_ok "no name in the disposition" || ok "no name in the disposition"
expect 0 "audit list" -- "$cli" "${a[@]}" audit list
has out "patient.delete-override" "the override is audited"

grep -q "Canary\|Reviewed the safety\|No ideation" "$work/stderr.log" && not_ok "no patient text on stderr" \
  || ok "no patient text on stderr"

echo "1..$n"
[ "$failed" -eq 0 ]
