// The write clock of one exact scope (see write/scope_guard): 0 before its first write.
// params: $key (Scope.key())   returns: version
OPTIONAL MATCH (c:ScopeClock {key: $key})
RETURN coalesce(c.version, 0) AS version
