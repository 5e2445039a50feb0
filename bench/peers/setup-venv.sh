#!/usr/bin/env bash
# Creates the virtual environment of the peer benchmarks (PyTorch and JAX on the CPU), once.
#
# PyPI's default torch wheel is the CUDA build: ~5 GB with its nvidia-* and triton
# dependencies, none of which a CPU benchmark uses. So torch comes from a CPU-only wheel:
#   1. $TORCH_WHEEL if set (a path to a torch-*+cpu-*.whl),
#   2. else the newest torch-*+cpu-*.whl in pip's find-links directories ($PIP_FIND_LINKS,
#      `pip config get global.find-links`, /opt/wheels),
#   3. else $TORCH_INDEX_URL if set (a CPU-only package index),
# and the script stops with a message otherwise, rather than pulling the CUDA stack.
# JAX is `jax[cpu]` from PyPI. Usage: setup-venv.sh VENV_DIR
set -euo pipefail
venv=${1:?usage: setup-venv.sh VENV_DIR}
python=${PYTHON:-python3}
stamp="$venv/.symlab-peers-installed"
[ -f "$stamp" ] && exit 0

wheel=${TORCH_WHEEL:-}
if [ -z "$wheel" ]; then
  dirs="${PIP_FIND_LINKS:-} $($python -m pip config get global.find-links 2>/dev/null || true) /opt/wheels"
  for d in $dirs; do
    [ -d "$d" ] || continue
    w=$(ls "$d"/torch-*+cpu-*.whl 2>/dev/null | sort -V | tail -n 1 || true)
    [ -n "$w" ] && { wheel=$w; break; }
  done
fi
if [ -n "$wheel" ]; then
  torch_args=("$wheel")
elif [ -n "${TORCH_INDEX_URL:-}" ]; then
  torch_args=(torch --index-url "$TORCH_INDEX_URL")
else
  echo "setup-venv: no CPU-only torch wheel found (set TORCH_WHEEL=path/to/torch-…+cpu-….whl or TORCH_INDEX_URL=a CPU-only index);" >&2
  echo "            refusing to install PyPI's default torch, which pulls ~5 GB of CUDA packages" >&2
  exit 1
fi

if ! $python -m venv -h >/dev/null 2>&1; then   # Debian's python3 ships venv separately
  "$(dirname "$0")/../../scripts/ensure-deps.sh" python3-venv
fi
echo "Creating $venv (torch: ${torch_args[*]}; jax[cpu] and numpy from PyPI)" >&2
$python -m venv "$venv"
"$venv/bin/pip" install --quiet "${torch_args[@]}" numpy
"$venv/bin/pip" install --quiet "jax[cpu]"
if "$venv/bin/pip" list 2>/dev/null | grep -qiE '^(nvidia-|triton )'; then
  echo "setup-venv: CUDA packages ended up in $venv; remove it and check the torch wheel" >&2
  exit 1
fi
"$venv/bin/python" -c 'import torch, jax; print("torch", torch.__version__, "| jax", jax.__version__, jax.devices())'
touch "$stamp"
