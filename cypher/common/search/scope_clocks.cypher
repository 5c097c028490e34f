// The write clocks of every exact scope under the search scope (its runs, its agents): every
// write to a fact moves one of them, so an unchanged list means an unchanged scope and the
// search catalogue skips its full fingerprint (search/scope_signature).
// params: scope ids   returns: key, version
MATCH (c:ScopeClock)
WHERE {{scope c}}
RETURN c.key AS key, c.version AS version
ORDER BY key
