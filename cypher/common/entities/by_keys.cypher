// Entities of the entity scope whose key or alias key matches (exact entity resolution).
// params: $scope_key, $keys   returns: entity (map)
MATCH (n:Entity)
WHERE n.scope_key = $scope_key AND (n.key IN $keys OR any(a IN n.alias_keys WHERE a IN $keys))
RETURN n {.id, .name, .type, .key, .aliases, .alias_keys, .user_id, .agent_id, .run_id} AS entity
