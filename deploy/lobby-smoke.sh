#!/usr/bin/env bash
# docs/ENROLL.md, run on one machine: a fresh server, 2 kiosks and 5 tablets enrolled with the CLI,
# each device's config + token written as the doc says, checked, synced, started once (offscreen)
# until its heartbeat reaches the server, and all seven listed by `motcua-central device list`.
# Usage: deploy/lobby-smoke.sh [WORKDIR]   (env: MOTCUA_BIN = folder of the motcua-* commands,
# default .venv/bin; PORT = server port, default a free one). Exit 0 = the lobby works.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="${MOTCUA_BIN:-$ROOT/.venv/bin}"
PY="$BIN/python"
LOBBY="${1:-$(mktemp -d /tmp/motcua-lobby.XXXXXX)}"
PORT="${PORT:-$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}"
DB="$LOBBY/server/central.db"    # ENROLL.md step 1: the server's database (a postgresql:// URL in production)
OFFICE=XA-PHUOCLONG
OFFICE_NAME="Trung tâm Phục vụ hành chính công xã Phước Long"
SERVER_URL="http://127.0.0.1:$PORT"
export KIVY_NO_ARGS=1 KIVY_NO_CONFIG=1 KIVY_NO_FILELOG=1 KIVY_LOG_MODE=PYTHON KIVY_CLIPBOARD=dummy
unset DISPLAY WAYLAND_DISPLAY

central() { "$BIN/motcua-central" --db "$DB" "$@"; }
step() { printf '\n== %s\n' "$*"; }
fail() { echo "LOBBY SMOKE FAILED: $*" >&2; exit 1; }

mkdir -p "$LOBBY/server" "$LOBBY/devices"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; fi
}
trap cleanup EXIT

step "1. Server: database, office, catalogue, officers, an admin"
central init
central office add "$OFFICE" "$OFFICE_NAME" --unit-code 000.00.31.H29
central import procedures "$ROOT/assets/sample/procedures.csv"
for counter in 1 2 3 4 5; do
  # Each officer's PIN (4-8 digits) on standard input; here 1000+counter for the smoke run only.
  echo "$((1000 + counter))" | central staff add --office "$OFFICE" --name "Cán bộ quầy $counter" \
    --title "Công chức một cửa" --counter "$counter" --pin-stdin
done
printf 'smoke-admin-password\n' | central admin add quantri --password-stdin

step "2. Register 2 kiosks and 5 tablets; each token goes straight into its device's folder"
umask 077   # token files readable by their owner only
E="$LOBBY/devices"   # ENROLL.md's enroll/ folder: one sub-folder per device
mkdir -p "$E/kiosk-1" "$E/kiosk-2" "$E/quay-1" "$E/quay-2" "$E/quay-3" "$E/quay-4" "$E/quay-5"
central device add --kind kiosk --office "$OFFICE" --name kiosk-1 | tail -n 1 > "$E/kiosk-1/kiosk.token"
central device add --kind kiosk --office "$OFFICE" --name kiosk-2 | tail -n 1 > "$E/kiosk-2/kiosk.token"
for n in 1 2 3 4 5; do
  central device add --kind rating --office "$OFFICE" --name "quay-$n" --counter "$n" | tail -n 1 > "$E/quay-$n/rating.token"
done
for token in "$E"/*/*.token; do [ -s "$token" ] || fail "no token printed into $token"; done

step "3. Write each device's config file (docs/ENROLL.md, step 3)"
PIN_HASH="$("$PY" -m motcua.config hash-pin 2468)"
kiosk_config() {   # NAME LABEL
  cat > "$LOBBY/devices/$1/kiosk.ini" <<EOF
[server]
url = $SERVER_URL
token_file = kiosk.token

[device]
office_code = $OFFICE
office_name = $OFFICE_NAME
name = $2
data_dir = data

[admin]
pin_hash = $PIN_HASH
EOF
}
rating_config() {  # NAME COUNTER
  cat > "$LOBBY/devices/$1/rating.ini" <<EOF
[server]
url = $SERVER_URL
token_file = rating.token

[device]
office_code = $OFFICE
office_name = $OFFICE_NAME
name = Quầy $2
data_dir = data

[admin]
pin_hash = $PIN_HASH

[rating]
counter = $2
EOF
}
kiosk_config kiosk-1 "Kiosk sảnh 1"
kiosk_config kiosk-2 "Kiosk sảnh 2"
for counter in 1 2 3 4 5; do rating_config "quay-$counter" "$counter"; done

step "4. Start the server on port $PORT"
"$BIN/motcua-central" --db "$DB" serve --host 127.0.0.1 --port "$PORT" > "$LOBBY/server/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 150); do
  "$PY" - "$SERVER_URL/healthz" <<'EOF' && break
import sys, urllib.request
try:
    sys.exit(0 if urllib.request.urlopen(sys.argv[1], timeout=1).status == 200 else 1)
except OSError:
    sys.exit(1)
EOF
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$LOBBY/server/serve.log"; fail "the server exited"; }
  sleep 0.2
done

# Each device: its folder, its app, its config file.
DEVICES="kiosk-1:kiosk kiosk-2:kiosk quay-1:rating quay-2:rating quay-3:rating quay-4:rating quay-5:rating"

step "5. On each device: check the config and the token, then sync once"
for entry in $DEVICES; do
  name="${entry%%:*}" app="${entry##*:}" config="$LOBBY/devices/${entry%%:*}/${entry##*:}.ini"
  echo "-- $name"
  if "$BIN/motcua-$app" check --help >/dev/null 2>&1; then
    "$BIN/motcua-$app" check --config "$config" || fail "$name: motcua-$app check failed"
  else
    echo "(this version has no 'motcua-$app check': checking the config file only)"
    "$PY" -m motcua.config check "$config" --app "$app" || fail "$name: config file rejected"
  fi
  "$BIN/motcua-$app" sync --config "$config" || fail "$name: motcua-$app sync failed"
done

step "6. Start all seven apps together (offscreen) until each one's heartbeat reaches the server"
# Heartbeats every 5 s here (the shortest allowed; 60 s by default) so the second one, sent after
# the first catalogue or outbox sync, is seen too: a device that reports once then fails is caught.
export MOTCUA_SERVER_HEARTBEAT_SECONDS=5
SESSIONS=""
stop_sessions() { for pid in $SESSIONS; do kill "$pid" 2>/dev/null || true; done; for pid in $SESSIONS; do wait "$pid" 2>/dev/null || true; done; SESSIONS=""; }
trap 'stop_sessions; cleanup' EXIT
for entry in $DEVICES; do
  name="${entry%%:*}" app="${entry##*:}"
  "$ROOT/deploy/bin/motcua-session" "$app" --config "$LOBBY/devices/$name/$app.ini" \
    --display offscreen --bin "$BIN" > "$LOBBY/devices/$name/session.log" 2>&1 &
  SESSIONS="$SESSIONS $!"
done
unseen() {  # prints the devices the server has no heartbeat from yet
  central device list | awk -F'\t' 'NR > 1 && $7 == "-" { print $5 }' | tr '\n' ' '
}
deadline=$((SECONDS + 90))  # seven Kivy windows drawn in software on two cores start slowly under load
while [ -n "$(unseen)" ] && [ "$SECONDS" -lt "$deadline" ]; do sleep 1; done
sleep 7   # one more heartbeat round after the apps' first sync
stop_sessions
problems=""
for entry in $DEVICES; do
  name="${entry%%:*}"
  if grep -q "heartbeat failed" "$LOBBY/devices/$name/session.log"; then
    echo "-- $name: a heartbeat was refused:" >&2
    grep "heartbeat failed" "$LOBBY/devices/$name/session.log" | head -n 2 >&2
    problems="$problems $name"
  fi
done
silent="$(unseen)"
for name in $silent; do  # what the silent device said, to tell a slow start from a failing one
  echo "-- $name never reported; the end of its session.log:" >&2
  tail -n 15 "$LOBBY/devices/$name/session.log" >&2
done
[ -z "$silent" ] || problems="$problems (never reported: $silent)"
[ -z "$problems" ] || fail "devices without a working heartbeat:$problems"
echo "all seven apps ran and reported to the server"

step "7. All seven devices, as the server sees them"
central device list | tee "$LOBBY/device-list.tsv"
active=$(awk -F'\t' 'NR > 1 && $6 == "active" && $7 != "-"' "$LOBBY/device-list.tsv" | wc -l)
[ "$active" -eq 7 ] || fail "expected 7 active devices with a heartbeat, found $active"
echo
echo "LOBBY OK: 1 server, 2 kiosks, 5 tablets ($LOBBY)"
