// Write fragment: create Episode nodes.
// rows: [{id, user_id, agent_id, run_id, scope_key, messages_json, content_hash, occurred_at, recorded_at, metadata_json}]
UNWIND rows AS row
CREATE (e:Episode)
SET e += row
