# Shared by scripts/demo.sh and scripts/test.sh: create or reuse .venv and install what graphmem
# needs, from nothing but Python 3.10+ and pip. Torch is installed first from PyTorch's CPU wheel
# index (no multi-GB CUDA build, no nvidia-* packages); where that index is unreachable (offline
# mirrors, air-gapped machines) it falls back to a plain install, which finds a local CPU wheel.
# GRAPHMEM_TORCH_INDEX overrides the index URL; GRAPHMEM_DRY_RUN=1 prints the pip commands only.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
VENV="${GRAPHMEM_VENV:-.venv}"
PYTHON="${PYTHON:-python3}"
export HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false PIP_DISABLE_PIP_VERSION_CHECK=1

if [ ! -x "$VENV/bin/python" ]; then
  echo "graphmem: creating $VENV" >&2
  "$PYTHON" -m venv "$VENV"
fi
stamp="$VENV/.graphmem-installed"
want="$(cat pyproject.toml scripts/_env.sh | sha256sum | cut -c1-16)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "graphmem: installing dependencies into $VENV (first run takes a few minutes)" >&2
  pip_install() {
    if [ "${GRAPHMEM_DRY_RUN:-0}" = 1 ]; then echo "pip install $*"; return 0; fi
    "$VENV/bin/python" -m pip install -q "$@"
  }
  pip_install --upgrade pip
  torch_index="${GRAPHMEM_TORCH_INDEX:-https://download.pytorch.org/whl/cpu}"
  if ! pip_install --timeout 15 --retries 0 --index-url "$torch_index" "torch==2.13.0"; then
    echo "graphmem: PyTorch's CPU index is unreachable; installing torch from the default index" >&2
    pip_install "torch==2.13.0"
  fi
  pip_install -e ".[test,bench,mcp]"
  [ "${GRAPHMEM_DRY_RUN:-0}" = 1 ] || echo "$want" > "$stamp"
fi
PY="$VENV/bin/python"
