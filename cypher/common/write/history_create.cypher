// Write fragment: audit records of every change.
// rows: [{id, memory_id, event, old_memory, new_memory, actor, created_at, user_id, agent_id, run_id}]
UNWIND rows AS row
CREATE (h:History)
SET h += row
