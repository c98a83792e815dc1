#!/usr/bin/env bash
# Runs a Python script with an interpreter that has PyTorch and NumPy
# (Debian's python3-torch, python3-numpy: installed by setup.sh). A missing
# PyTorch is a failure, not a skip: setup.sh (and CI) install it.
for py in /usr/bin/python3 python3; do
  if command -v "$py" >/dev/null && "$py" -c 'import torch, numpy' 2>/dev/null; then
    export OMP_WAIT_POLICY=PASSIVE
    exec "$py" "$@"
  fi
done
echo "FAIL: no python3 with PyTorch and NumPy (Debian packages python3-torch python3-numpy; ./setup.sh installs them)" >&2
exit 1
