// Resolution candidates: current facts about any of the given entities (never the whole scope).
// params: $keys (entity keys), $scope_key (entity scope), scope ids, $limit   returns: fact, entity_keys
MATCH (n:Entity)
WHERE n.scope_key = $scope_key AND n.key IN $keys
MATCH (f:Fact)-[:ABOUT]->(n)
WHERE f.expired_at IS NULL
WITH DISTINCT f
LIMIT $limit
OPTIONAL MATCH (f)-[a:ABOUT]->(m:Entity)
RETURN f {.id, .text, .predicate, .subject, .object, .valid_from, .valid_to, .recorded_at, .expired_at, .updated_at, .confidence, .mentions, .hash, .metadata_json, .user_id, .agent_id, .run_id} AS fact, collect(m.key) AS entity_keys, collect(a.role) AS roles
