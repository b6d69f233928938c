#!/usr/bin/env bash
# test-process-hardening.sh: the app and the CLI cannot be dumped or read by their own user while they run (TAP).
#
# A process that is not dumpable has its /proc/PID files owned by root
# instead of by its own user (proc(5)), and its user can neither ptrace it
# nor read its memory. That is only visible when the process runs as an
# ordinary user, so both programs are started as "nobody" and watched from
# here, as root. The app gets an Xvfb of its own that anyone may use.
set -u
app="$1"
cli="$2"
n=0
failed=0

ok () { n=$((n + 1)); echo "ok $n - $1"; }
not_ok () { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }

if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null || ! command -v Xvfb >/dev/null; then
  echo "1..0 # SKIP needs root, setpriv and Xvfb to watch the programs as an unprivileged user"
  exit 0
fi

nobody_uid=65534
work="$(mktemp -d)"
chmod 0755 "$work"
home="$work/home"
mkdir -p "$home"
chown "$nobody_uid:$nobody_uid" "$home"
chmod 0700 "$home"
xvfb_pid=
pids=()
cleanup () {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null; done
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null
  exec 9>&- 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# setpriv and env each exec the next, so $! is the program's own pid.
as_nobody=(setpriv --reuid="$nobody_uid" --regid="$nobody_uid" --clear-groups
           env -i HOME="$home" XDG_RUNTIME_DIR="$home" PATH=/usr/bin:/bin)

# Waits until PID runs the program EXE (setpriv and env exec on the way),
# then until its /proc files belong to root. Prints the owner seen last.
watch_owner () {
  local pid="$1" exe="$2" owner=
  for _ in $(seq 200); do
    [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$exe" ] && break
    sleep 0.05
  done
  for _ in $(seq 100); do
    owner=$(stat -c %u "/proc/$pid/status" 2>/dev/null) || break
    [ "$owner" = 0 ] && break
    sleep 0.05
  done
  echo "${owner:-gone}"
}

# The process's own user, as the kernel reports it.
real_uid () {
  awk '/^Uid:/ { print $2 }' "/proc/$1/status" 2>/dev/null
}

check () {
  local what="$1" pid="$2" exe="$3" owner uid
  owner=$(watch_owner "$pid" "$exe")
  uid=$(real_uid "$pid")
  if [ "$uid" = "$nobody_uid" ] && [ "$owner" = 0 ]; then
    ok "$what cannot be dumped or read by its own user"
  else
    not_ok "$what cannot be dumped or read by its own user (uid ${uid:-gone}, /proc owner $owner)"
  fi
  if grep -Eq "^Max core file size +0 +0 " "/proc/$pid/limits" 2>/dev/null; then
    ok "$what writes no core file"
  else
    not_ok "$what writes no core file"
  fi
  if ! kill -0 "$pid" 2>/dev/null || "${as_nobody[@]}" cat "/proc/$pid/environ" >/dev/null 2>&1; then
    not_ok "$what's memory and environment are closed to its own user"
  else
    ok "$what's memory and environment are closed to its own user"
  fi
}

# The build folder may be closed to other users (a checkout under a
# mktemp -d folder is), so both programs and the settings schema they read
# run from copies in this test's own folder.
mkdir -m 0755 "$work/bin" "$work/schemas"
cp "$app" "$cli" "$work/bin/"
[ -n "${GSETTINGS_SCHEMA_DIR:-}" ] && cp "$GSETTINGS_SCHEMA_DIR/gschemas.compiled" "$work/schemas/"
chmod -R a+rX "$work/bin" "$work/schemas"

# The CLI waits for its passphrase on a pipe held open here.
cli_exe="$work/bin/$(basename "$cli")"
mkfifo "$work/held"
chmod 0666 "$work/held"
exec 9<>"$work/held"
mkdir -m 0777 "$work/vaults"
"${as_nobody[@]}" "$cli_exe" --vault "$work/vaults/v" init --user "Process Check" <"$work/held" >/dev/null 2>&1 &
pids+=($!)
check "the CLI" "$!" "$cli_exe"

# The app, on a display of its own.
app_exe="$work/bin/$(basename "$app")"
for display in $(seq 87 140); do
  [ -e "/tmp/.X$display-lock" ] || break
done
Xvfb ":$display" -ac -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
for _ in $(seq 100); do
  [ -e "/tmp/.X11-unix/X$display" ] && break
  sleep 0.05
done
"${as_nobody[@]}" DISPLAY=":$display" GTK_A11Y=none NO_AT_BRIDGE=1 GSETTINGS_BACKEND=memory \
  GSETTINGS_SCHEMA_DIR="$work/schemas" "$app_exe" >/dev/null 2>&1 &
pids+=($!)
check "the app" "$!" "$app_exe"

echo "1..$n"
[ "$failed" -eq 0 ]
