"""Peer benchmarks: graphmem against other memory layers on one synthetic world."""
