// FalkorDB: range indexes (statements separated by ';'; "already indexed" errors are expected on
// re-bootstrap and ignored by the store). Entity.key matters for writes: MATCH on
// {scope_key, key} through the scope_key index alone scanned every entity of a big scope
// (18.6 -> 3.4 ms per fact at 100k facts in benchmarks/results/scale.md, prototype P4). Uniqueness of (scope_key, key) comes from MERGE, which
// FalkorDB runs one write at a time.
CREATE INDEX FOR (f:Fact) ON (f.id);
CREATE INDEX FOR (f:Fact) ON (f.user_id);
CREATE INDEX FOR (f:Fact) ON (f.agent_id);
CREATE INDEX FOR (f:Fact) ON (f.run_id);
CREATE INDEX FOR (f:Fact) ON (f.hash);
CREATE INDEX FOR (n:Entity) ON (n.id);
CREATE INDEX FOR (n:Entity) ON (n.scope_key);
CREATE INDEX FOR (n:Entity) ON (n.key);
CREATE INDEX FOR (n:Entity) ON (n.user_id);
CREATE INDEX FOR (n:Entity) ON (n.agent_id);
CREATE INDEX FOR (n:Entity) ON (n.run_id);
CREATE INDEX FOR (e:Episode) ON (e.id);
CREATE INDEX FOR (e:Episode) ON (e.content_hash);
CREATE INDEX FOR (e:Episode) ON (e.user_id);
CREATE INDEX FOR (e:Episode) ON (e.agent_id);
CREATE INDEX FOR (e:Episode) ON (e.run_id);
CREATE INDEX FOR (e:Episode) ON (e.scope_key);
CREATE INDEX FOR (h:History) ON (h.memory_id);
CREATE INDEX FOR (c:ScopeClock) ON (c.key);
CREATE INDEX FOR (c:ScopeClock) ON (c.user_id);
CREATE INDEX FOR (c:ScopeClock) ON (c.agent_id);
CREATE INDEX FOR (c:ScopeClock) ON (c.run_id)
