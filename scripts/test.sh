#!/usr/bin/env bash
# Installs everything the tests need (system packages, PostgreSQL, Chromium, a virtualenv) and runs them.
# Usage: scripts/test.sh [pytest args]   (CI calls it with no arguments)
source "$(dirname "$0")/_env.sh"
install_system_packages libegl1 libegl-mesa0 libgl1 libgl1-mesa-dri libmtdev1 \
  postgresql chromium chromium-driver fonts-dejavu-core libicu-dev pkg-config g++ python3-dev
install_venv test
cd "$ROOT"
export SDL_VIDEODRIVER=offscreen KIVY_CLIPBOARD=dummy SE_OFFLINE=true SE_AVOID_STATS=true
unset DISPLAY
export MOTCUA_ARTIFACTS="${MOTCUA_ARTIFACTS:-$ROOT/artifacts}"
mkdir -p "$MOTCUA_ARTIFACTS"
PY="$VENV/bin/python"

if [ $# -gt 0 ]; then exec "$PY" -m pytest "$@"; fi

status=0
# Lint and format (ruff.toml): reported like a failing test, and the tests still run.
"$VENV/bin/ruff" check . || status=1
"$VENV/bin/ruff" format --check . || status=1

# Kivy allows one window per process: each app's window tests run in a pytest of their own.
"$PY" -m pytest tests --ignore=tests/ui -p no:cacheprovider || status=$?
for suite in tests/ui/*/; do
  [ -d "$suite" ] || continue
  ls "$suite"test_*.py >/dev/null 2>&1 || continue
  "$PY" -m pytest "$suite" -p no:cacheprovider || status=$?
done
exit $status
