// The scope's entities.
// params: scope ids, $limit   returns: entity (map)
MATCH (n:Entity)
WHERE {{entity_scope n}}
RETURN n {.id, .name, .type, .key, .aliases, .user_id, .agent_id, .run_id, .created_at, .updated_at} AS entity
ORDER BY n.created_at
LIMIT $limit
