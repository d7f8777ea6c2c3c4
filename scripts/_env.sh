# Shared set-up for scripts/demo.sh and scripts/test.sh: system packages and the virtualenv.
# Sourced, not run. Idempotent: a second run installs nothing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

need_apt=()
want_pkg() { dpkg -s "$1" >/dev/null 2>&1 || need_apt+=("$1"); }

install_system_packages() {
  # Mesa EGL/GL for Kivy's offscreen SDL window; mtdev silences Kivy's probe; fonts for Chromium.
  for p in "$@"; do want_pkg "$p"; done
  if [ ${#need_apt[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
      echo "motcua: please install as root: apt-get install ${need_apt[*]}" >&2; exit 1
    fi
    echo "motcua: installing system packages: ${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  fi
}

install_venv() {
  local extras="$1"
  if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
  fi
  # Reinstall only when setup.py changed since the last install.
  local stamp="$VENV/.motcua-installed-$extras"
  if [ ! -f "$stamp" ] || [ "$ROOT/setup.py" -nt "$stamp" ]; then
    echo "motcua: installing the Python packages ($extras) into .venv; the first time takes a few minutes"
    "$VENV/bin/pip" install -q --disable-pip-version-check -e "$ROOT[$extras]" 2>&1 | grep -v "WARNING: Location" || true
    "$VENV/bin/python" -c "import motcua, central, kivy" >/dev/null 2>&1 || { echo "motcua: install failed" >&2; exit 1; }
    touch "$stamp"
  fi
}

# Kivy: never read argv, never write ~/.kivy, log through Python logging.
export KIVY_NO_ARGS=1 KIVY_NO_CONFIG=1 KIVY_NO_FILELOG=1 KIVY_LOG_MODE=PYTHON
