#!/usr/bin/env bash
# test-cli-spanish.sh: confidant-cli in Spanish says its messages in Spanish,
# while what scripts read (--json, tab-separated rows, ids, ISO dates, exit
# codes) is byte for byte what the C locale gives (TAP).
set -u
cli="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
n=0
failed=0
export TMPDIR="$work/tmp"
mkdir -p "$TMPDIR"

if ! locale -a 2>/dev/null | grep -qix 'es_ES.utf-\?8'; then
  echo "1..0 # SKIP the es_ES.UTF-8 locale is not installed (build-aux/deps.sh makes it)"
  exit 0
fi

ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
# in_c / in_es NAME WANT CMD...: runs CMD in that locale, stdout in
# $work/NAME.c or .es, stderr in .c.err or .es.err, and checks the exit code.
run_in () {
  local suffix="$1" name="$2" want="$3"; shift 3
  if [ "$suffix" = es ]; then
    LANGUAGE=es LANG=es_ES.UTF-8 LC_ALL=es_ES.UTF-8 "$@" >"$work/$name.es" 2>"$work/$name.es.err"
  else
    LANGUAGE= LANG=C LC_ALL=C "$@" >"$work/$name.c" 2>"$work/$name.c.err"
  fi
  local got=$?
  if [ "$got" -eq "$want" ]; then ok "$name ($suffix): exit $want"; else
    not_ok "$name ($suffix): exit $got, wanted $want"; sed 's/^/# /' "$work/$name.$suffix.err"; fi
}
in_c () { run_in c "$@"; }
in_es () { run_in es "$@"; }
has () { grep -q -- "$2" "$work/$1" && ok "$3" || { not_ok "$3"; sed 's/^/# /' "$work/$1"; }; }
same () {
  if cmp -s "$work/$1.c" "$work/$1.es"; then ok "$2"; else
    not_ok "$2"; diff "$work/$1.c" "$work/$1.es" | sed 's/^/# /'; fi
}

printf 'owner passphrase\n' > "$work/pass"
printf 'Dolores Quintero\n' > "$work/name"

# Help, usage errors: English in C, Spanish in es, the same exit codes.
in_c help 0 "$cli" --help
in_es help 0 "$cli" --help
has help.c "^Commands:" "help in C lists the commands"
has help.es "^Órdenes:" "help in es lists the órdenes"
has help.es "Crear una bóveda; imprime la clave de recuperación una sola vez" "command summaries are Spanish"
in_es patient-help 0 "$cli" patient add --help
has patient-help.es "Nombre completo, leído de FILE (fuera de la línea de órdenes)" "option descriptions are Spanish"
has patient-help.es "Frases de contraseña: la del usuario que desbloquea" "the passphrase note is Spanish"
in_c usage 2 "$cli" --vault "$work/none" patient show
in_es usage 2 "$cli" --vault "$work/none" patient show
has usage.c.err "patient show needs exactly one patient ID" "a usage error in C"
has usage.es.err "patient show necesita exactamente un ID de paciente" "a usage error in es"
in_es unknown 2 "$cli" frobnicate
has unknown.es.err "orden desconocida 'frobnicate'" "an unknown command in es"

# One vault per locale, made the same way.
for l in c es; do
  v=(--vault "$work/vault-$l" --passphrase-file "$work/pass")
  "in_$l" init 0 "$cli" "${v[@]}" init --user "Dr Owner"
  "in_$l" add 0 "$cli" "${v[@]}" patient add --name-file "$work/name" --birth-date 1970-03-04
  id=$(cat "$work/add.$l")
  "in_$l" phq9 0 "$cli" "${v[@]}" measure add --patient "$id" --instrument phq9 --items 1,1,1,1,1,1,1,1,2 --date 2024-10-01
  "in_$l" show 0 "$cli" "${v[@]}" patient show "$id"
  "in_$l" list 0 "$cli" "${v[@]}" patient list
  "in_$l" worklist 0 "$cli" "${v[@]}" worklist
  "in_$l" json 0 "$cli" "${v[@]}" worklist --json
  "in_$l" instruments 0 "$cli" "${v[@]}" measure instruments
  "in_$l" wrong 1 sh -c "printf 'not the passphrase\n' | '$cli' --vault '$work/vault-$l' patient list"
done
has init.es "^Se creó una bóveda en .* para Dr Owner\.$" "init confirms in Spanish"
has init.es "^Clave de recuperación (se muestra solo esta vez" "the recovery key's heading is Spanish"
has init.c "^Recovery key (shown only this once" "the recovery key's heading is English in C"
grep -Eq '^[0-9a-f]{32}$' "$work/add.es" && ok "patient add prints an id in es" \
  || { not_ok "patient add prints an id in es"; sed 's/^/# /' "$work/add.es"; }
has add.es.err "aviso: --birth-date pone datos del paciente en la línea de órdenes" "the command-line warning is Spanish"
has phq9.es.err "Un ítem de riesgo alcanzó su umbral" "the risk message is Spanish"
has show.es "^Alerta de riesgo: activada$" "patient show's headings are Spanish"
has show.es "^Estado: activo$" "the patient's status is Spanish"
has show.es "^Creado: [0-9]\{4\}-[0-9]\{2\}-[0-9]\{2\}T[0-9:]*Z$" "times stay ISO 8601 in es"
has show.c "^Risk flag: raised$" "patient show in C is English"
# The core's errors reach the user in Spanish too.
has wrong.es.err "^confidant-cli: La frase de contraseña no es correcta$" "a wrong passphrase is said in Spanish"
has wrong.c.err "^confidant-cli: The passphrase is not correct$" "and in English in C"
in_es novault 1 "$cli" --vault "$work/none" --passphrase-file "$work/pass" patient list
has novault.es.err "No hay ninguna bóveda en esta carpeta" "a missing vault is said in Spanish"
# The signing checks name the template's fields in Spanish.
printf 'plan: follow up in two weeks\n' > "$work/note"
v=(--vault "$work/vault-es" --passphrase-file "$work/pass")
in_es note 0 "$cli" "${v[@]}" note add --patient "$(cat "$work/add.es")" --kind progress --file "$work/note"
in_es sign 1 "$cli" "${v[@]}" note sign "$(cat "$work/note.es")"
has sign.es.err "Antes de firmar el registro:" "a refused signature says why in Spanish"
has sign.es.err "“Subjetivo” debe completarse" "and names the missing field in Spanish"

# A FHIR bundle of a signed note is the same file whatever the locale
# (its timestamp aside); a PDF, read by people, follows the locale.
printf 'subjective: sleeping better\nplan: follow up in two weeks\n' > "$work/note2"
in_es note2 0 "$cli" "${v[@]}" note add --patient "$(cat "$work/add.es")" --kind progress --file "$work/note2"
in_es sign2 0 "$cli" "${v[@]}" note sign "$(cat "$work/note2.es")"
terms=(--recipient "the patient" --purpose "patient request" --basis "patient request")
in_c fhir 0 "$cli" "${v[@]}" export --patient "$(cat "$work/add.es")" --fhir "$work/bundle-c.json" "${terms[@]}"
in_es fhir 0 "$cli" "${v[@]}" export --patient "$(cat "$work/add.es")" --fhir "$work/bundle-es.json" "${terms[@]}"
has fhir.es "^Se escribió un paquete FHIR R4 de" "the export's confirmation is Spanish"
for l in c es; do
  sed -E 's/"timestamp" *: *"[^"]*"/"timestamp":"T"/g' "$work/bundle-$l.json" > "$work/bundle.$l"
done
grep -q "Progress note" "$work/bundle.c" && ok "the bundle names the note's kind" || not_ok "the bundle names the note's kind"
same bundle "a FHIR bundle is byte-identical in es and C"

# What scripts read: the same bytes, the vaults' own ids aside (each vault
# has its patient's id; the C one is put where the Spanish one is).
c_id=$(cat "$work/add.c")
es_id=$(cat "$work/add.es")
for f in list worklist json instruments; do
  sed "s/$es_id/$c_id/g" "$work/$f.es" > "$work/$f.es.tmp" && mv "$work/$f.es.tmp" "$work/$f.es"
done
# Times differ by the seconds between the two runs; the worklist's since
# and ISO times are compared by shape instead.
for f in worklist json; do
  for l in c es; do
    sed -E 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]+Z/TIME/g; s/"since":[0-9]+/"since":N/g' "$work/$f.$l" > "$work/$f.$l.tmp"
    mv "$work/$f.$l.tmp" "$work/$f.$l"
  done
done
[ -s "$work/json.c" ] && ok "worklist --json has items" || not_ok "worklist --json has items"
same json "worklist --json is byte-identical in es and C"
same worklist "worklist's rows are identical in es and C"
same list "patient list's rows are identical in es and C"
same instruments "measure instruments' rows are identical in es and C"

echo "1..$n"
[ "$failed" -eq 0 ]
