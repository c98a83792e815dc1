#!/usr/bin/env bash
# Installs what is missing, builds, and starts the glimpse app.
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh
[ -d build ] || meson setup build >/dev/null
meson compile -C build >/dev/null
exec build/glimpse "$@"
