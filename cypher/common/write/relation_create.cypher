// Write fragment: the typed relationship of a binary fact, {{rel_type}} validated.
// rows: [{scope_key, subject_key, object_key, props: {fact_id, text, valid_from, valid_to, recorded_at, expired_at, user_id, agent_id, run_id}}]
UNWIND rows AS row
MATCH (s:Entity {scope_key: row.scope_key, key: row.subject_key})
MATCH (o:Entity {scope_key: row.scope_key, key: row.object_key})
CREATE (s)-[r:{{rel_type}}]->(o)
SET r += row.props
