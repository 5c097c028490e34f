// Write fragment, always first: the optimistic concurrency guard of one scope. The writer read
// the scope's clock ($version, scope/clock) before deciding; if another write to the scope
// committed since, 1/0 aborts the whole statement (nothing is written; the store raises
// WriteConflictError) and the caller re-reads and re-decides. The SET before the check takes
// the node's write lock on Neo4j, so the check reads the latest committed version.
// rows: [{key, version}]  (exactly one row)
UNWIND rows AS row
MERGE (c:ScopeClock {key: row.key})
ON CREATE SET c.version = 0
SET c.claimed = true
WITH c, row, CASE WHEN c.version = row.version THEN 1 ELSE 0 END AS ok
SET c.version = c.version + 1 / ok
