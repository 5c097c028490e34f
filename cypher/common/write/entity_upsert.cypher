// Write fragment: create or refresh typed entities, keyed by (scope_key, key) so concurrent adds
// never duplicate one. {{label}} is the validated entity type.
// rows: [{scope_key, key, aliases, updated_at, props: {id, name, type, aliases, user_id, agent_id, run_id, created_at, updated_at}}]
UNWIND rows AS row
MERGE (n:Entity {scope_key: row.scope_key, key: row.key})
ON CREATE SET n += row.props, n:{{label}}
ON MATCH SET n.aliases = row.aliases, n.updated_at = row.updated_at
