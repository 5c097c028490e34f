#!/usr/bin/env bash
# The demo: memory on the embedded FalkorDB, offline (a scripted LLM replays recorded answers).
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
exec "$PY" -m graphmem demo "$@"
