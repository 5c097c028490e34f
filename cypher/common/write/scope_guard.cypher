// Write fragment, always first: the optimistic concurrency guard of one scope. The writer read
// the scope's clock ($version, scope/clock) before deciding; if another write to the scope
// committed since, 1/0 aborts the whole statement (nothing is written; the store raises
// WriteConflictError) and the caller re-reads and re-decides. The SET before the check takes
// the node's write lock on Neo4j, so the check reads the latest committed version.
// The clock carries its scope's ids, so a search of a wider scope (a user's runs) can read
// every clock under it (search/scope_clocks) to tell whether anything changed.
// rows: [{key, version, user_id, agent_id, run_id}]  (exactly one row)
UNWIND rows AS row
MERGE (c:ScopeClock {key: row.key})
ON CREATE SET c.version = 0
SET c.claimed = true, c.user_id = row.user_id, c.agent_id = row.agent_id, c.run_id = row.run_id
WITH c, row, CASE WHEN c.version = row.version THEN 1 ELSE 0 END AS ok
SET c.version = c.version + 1 / ok
