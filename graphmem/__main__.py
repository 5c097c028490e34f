"""Run the graphmem command line."""

from graphmem.cli import main

raise SystemExit(main())
