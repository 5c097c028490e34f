#!/usr/bin/env bash
# The test suite: unit, conformance (embedded FalkorDB; Neo4j when Docker or NEO4J_URI exists),
# integration, the Neo4j dialect lint (Node + npm), and the notebooks.
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"
"$PY" -m ruff check graphmem tests benchmarks
"$PY" -m mypy graphmem
exec "$PY" -m pytest -q "$@"
