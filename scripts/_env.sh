# Shared by scripts/demo.sh and scripts/test.sh: create or reuse .venv and install what graphmem
# needs, from nothing but Python 3.10+ and pip. Torch is pinned to the CPU build first, so that
# sentence-transformers does not pull a multi-GB CUDA build.
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
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q "torch==2.13.0"
  "$VENV/bin/python" -m pip install -q -e ".[test,bench]"
  echo "$want" > "$stamp"
fi
PY="$VENV/bin/python"
