// Resolution candidates: current facts of the writer's exact scope ($fact_scope_key: a run only
// resolves against its own facts) about any of the given entities (never the whole scope).
// Ranked so that the ones a decision needs are never cut by $limit, whatever the entities'
// degree: exact text repeats and values of the new facts' single-valued slots first
// ($hashes, $slot_predicates), then other facts with the same predicates, then the newest.
// params: $keys (entity keys), $scope_key (entity scope), $fact_scope_key, $hashes,
//         $slot_predicates, $predicates, $limit   returns: fact, entity_keys, roles
MATCH (n:Entity)
WHERE n.scope_key = $scope_key AND n.key IN $keys
MATCH (f:Fact)-[:ABOUT]->(n)
WHERE f.expired_at IS NULL AND f.scope_key = $fact_scope_key
WITH DISTINCT f
WITH f, CASE WHEN f.hash IN $hashes OR f.predicate IN $slot_predicates THEN 0
             WHEN f.predicate IN $predicates THEN 1 ELSE 2 END AS rank
ORDER BY rank, f.updated_at DESC
LIMIT $limit
OPTIONAL MATCH (f)-[a:ABOUT]->(m:Entity)
RETURN f {.id, .text, .predicate, .subject, .object, .valid_from, .valid_to, .recorded_at, .expired_at, .updated_at, .confidence, .mentions, .hash, .metadata_json, .user_id, .agent_id, .run_id} AS fact, collect(m.key) AS entity_keys, collect(a.role) AS roles
