#!/usr/bin/env bash
# Installs what is missing, builds (showing the build's progress), and
# starts the glimpse app.
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh
if [ ! -d build ]; then
  echo "run.sh: configuring the build in build/" >&2
  meson setup build >/dev/null
fi
[ -x build/glimpse ] || echo "run.sh: building glimpse (the first build takes a minute or two)" >&2
meson compile -C build >&2
exec build/glimpse "$@"
