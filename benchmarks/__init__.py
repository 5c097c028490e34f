"""The graphmem benchmark suite: data generators, runners and their results."""
