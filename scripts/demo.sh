#!/usr/bin/env bash
# The main job on one machine: the central server on SQLite with sample data, plus the kiosk and
# the rating tablet where a display exists. Usage: scripts/demo.sh [--no-apps] [--port 8080]
source "$(dirname "$0")/_env.sh"
install_system_packages libegl1 libegl-mesa0 libgl1 libgl1-mesa-dri libmtdev1 fonts-dejavu-core \
  libicu-dev pkg-config g++ python3-dev  # PyICU (Vietnamese sort order) builds against the system ICU
install_venv all
cd "$ROOT"
exec "$VENV/bin/python" -m central.demo "$@"
