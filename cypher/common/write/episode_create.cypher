// Write fragment: create Episode nodes, in order within their scope (a scope with a run_id is
// that run): each gets the next `seq` of its scope and a NEXT link from the scope's previous
// episode, so search can follow a conversation across add() calls. Runs after the scope guard,
// in the same statement, so two concurrent writers of one scope never take the same seq (the
// later one aborts and retries). Episodes written before seq existed are not linked.
// rows: [{id, user_id, agent_id, run_id, scope_key, messages_json, content_hash, occurred_at, recorded_at, metadata_json}]
UNWIND rows AS row
OPTIONAL MATCH (p:Episode {scope_key: row.scope_key})
WHERE p.seq IS NOT NULL
WITH row, p
ORDER BY p.seq DESC
WITH row, collect(p)[0] AS prev
CREATE (e:Episode)
SET e += row, e.seq = coalesce(prev.seq, 0) + 1
FOREACH (before IN CASE WHEN prev IS NULL THEN [] ELSE [prev] END |
  CREATE (before)-[:NEXT]->(e)
)
