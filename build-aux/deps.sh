#!/usr/bin/env bash
# Installs the Debian 12 packages Confidant needs (when run as root), or
# prints the exact command to do so. Run by build-aux/run, and by build-aux/test
# with --tests (which adds the FHIR validator).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mapfile -t wanted < <(grep -v '^\s*#' "$here/packages.txt" | sed '/^\s*$/d')

missing=()
for pkg in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Confidant needs these packages first:" >&2
    echo "  sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

# The rest is for the tests only (build-aux/test passes --tests): the FHIR
# validator's npm packages (tests/fhir), exactly as locked. Debian's nodejs
# comes without npm; a node from elsewhere usually brings its own.
[ "${1:-}" = "--tests" ] || exit 0
# ui-narrow-es runs the window in Spanish, which needs the locale built
# (Debian's locales package ships its sources, not the compiled locale).
if ! locale -a 2>/dev/null | grep -qix 'es_ES.utf8'; then
  if [ "$(id -u)" -eq 0 ]; then
    localedef -i es_ES -f UTF-8 es_ES.UTF-8
  else
    echo "ui-narrow-es skips without the Spanish locale:" >&2
    echo "  sudo localedef -i es_ES -f UTF-8 es_ES.UTF-8" >&2
  fi
fi
# ui-date-input reads dates the way en_US writes them (MM/DD/YYYY, 12-hour).
if ! locale -a 2>/dev/null | grep -qix 'en_US.utf8'; then
  if [ "$(id -u)" -eq 0 ]; then
    localedef -i en_US -f UTF-8 en_US.UTF-8
  else
    echo "ui-date-input skips its en_US part without the locale:" >&2
    echo "  sudo localedef -i en_US -f UTF-8 en_US.UTF-8" >&2
  fi
fi
if ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null
  else
    echo "Confidant's FHIR tests need npm first:" >&2
    echo "  sudo apt-get install npm" >&2
    exit 1
  fi
fi
fhir_dir="$here/../tests/fhir"
# Installed again whenever the lock changes (a copy of it marks what is there).
if ! cmp -s "$fhir_dir/package-lock.json" "$fhir_dir/node_modules/.confidant-lock" 2>/dev/null; then
  # Node trusts its own copy of the web's authorities; npm is told to trust
  # the system's, which also hold any the machine's network requires.
  ca=()
  [ -f /etc/ssl/certs/ca-certificates.crt ] && ca=(--cafile /etc/ssl/certs/ca-certificates.crt)
  npm ci --prefix "$fhir_dir" --no-audit --no-fund --loglevel=error "${ca[@]}" >/dev/null
  cp "$fhir_dir/package-lock.json" "$fhir_dir/node_modules/.confidant-lock"
fi
