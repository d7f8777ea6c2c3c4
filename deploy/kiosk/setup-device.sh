#!/usr/bin/env bash
# Turns a fresh Debian 12 / Raspberry Pi OS (bookworm) machine into a motcua kiosk or rating tablet:
# packages (cage, Mesa, fonts), the user `motcua`, the app in /opt/motcua with its own virtualenv,
# /etc/motcua for the config and token, systemd units (app on tty1 under cage, screen on/off timers),
# journald limits, boot to the app. Usage, as root, from a copy of the motcua source tree:
#   deploy/kiosk/setup-device.sh kiosk|rating [--root DIR]
# --root DIR writes every file under DIR and only prints the commands that change the running
# system (apt-get, useradd, pip, systemctl): for building an image, and for the tests.
set -euo pipefail
SRC="$(cd "$(dirname "$0")/../.." && pwd)"
APP="${1:-}"
case "$APP" in kiosk|rating) ;; *) echo "usage: $0 kiosk|rating [--root DIR]" >&2; exit 2 ;; esac
shift
DEST=""
if [ "${1:-}" = "--root" ]; then DEST="${2:?--root needs a folder}"; mkdir -p "$DEST"; DEST="$(cd "$DEST" && pwd)"; fi
PACKAGES="cage xwayland wlr-randr python3-venv python3-pip libegl1 libegl-mesa0 libgl1 libgl1-mesa-dri libmtdev1 fonts-dejavu-core sqlite3"
PACKAGES="$PACKAGES libicu-dev pkg-config g++ python3-dev"  # the kiosk builds PyICU (Vietnamese sort order)

run() {  # a command that changes the running system: done for real, or only shown under --root
  if [ -n "$DEST" ]; then echo "would run: $*"; else "$@"; fi
}
say() { echo "setup-device: $*"; }

say "1/7 packages"
run apt-get update -qq
run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $PACKAGES

say "2/7 the user motcua (no password, no shell; screen, touch, printer and scanner groups)"
if [ -z "$DEST" ] && id motcua >/dev/null 2>&1; then
  say "user motcua already exists"
else
  groups=""
  for g in video input render lp dialout; do getent group "$g" >/dev/null && groups="$groups${groups:+,}$g"; done
  run useradd --system --home-dir /var/lib/motcua --shell /usr/sbin/nologin ${groups:+--groups "$groups"} motcua
fi

say "3/7 the app in /opt/motcua"
mkdir -p "$DEST/opt/motcua"
tar -C "$SRC" --exclude=./.venv --exclude=./.git --exclude=./var --exclude=./artifacts --exclude='*.egg-info' \
  --exclude=__pycache__ --exclude='.pytest_cache' \
  -cf - . | tar -C "$DEST/opt/motcua" -xf -
run python3 -m venv /opt/motcua/venv
run /opt/motcua/venv/bin/pip install --quiet --disable-pip-version-check "/opt/motcua[$APP]"

say "4/7 folders: /etc/motcua (config + token), /var/lib/motcua/$APP (outbox, catalogue cache)"
install -d -m 750 "$DEST/etc/motcua"
install -d -m 700 "$DEST/var/lib/motcua" "$DEST/var/lib/motcua/$APP"
run chown root:motcua /etc/motcua
run chown -R motcua:motcua /var/lib/motcua

say "5/7 systemd units"
install -d "$DEST/etc/systemd/system"
for unit in motcua-device@.service motcua-screen@.service motcua-screen-on.timer motcua-screen-off.timer; do
  install -m 644 "$SRC/deploy/systemd/$unit" "$DEST/etc/systemd/system/$unit"
done

say "6/7 logs: journald keeps them across power cuts, at most 200 MB"
install -d "$DEST/etc/systemd/journald.conf.d"
install -m 644 "$SRC/deploy/journald/motcua.conf" "$DEST/etc/systemd/journald.conf.d/motcua.conf"

say "7/7 boot straight to the app; screen on/off around office hours"
run systemctl daemon-reload
run systemctl set-default graphical.target
run systemctl enable motcua-screen-on.timer motcua-screen-off.timer
# The app itself is enabled once its config and token are in place (docs/ENROLL.md, step 4):
#   systemctl enable --now motcua-device@$APP
say "done. Next: put $APP.ini and $APP.token into /etc/motcua (docs/ENROLL.md, step 4)."
