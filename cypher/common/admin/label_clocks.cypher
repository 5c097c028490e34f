// Give older clocks their scope's ids, parsed from the key by the caller.
// params: $rows [{key, user_id, agent_id, run_id}]   returns: labelled
UNWIND $rows AS row
MATCH (c:ScopeClock {key: row.key})
SET c.user_id = row.user_id, c.agent_id = row.agent_id, c.run_id = row.run_id
RETURN count(c) AS labelled
