// Facts by id, restricted to the scope.
// params: $ids, scope ids   returns: fact, episode_ids, episode_times
MATCH (f:Fact)
WHERE f.id IN $ids
WITH f
WHERE {{scope f}}
OPTIONAL MATCH (f)-[:FROM]->(e:Episode)
WITH f, collect(e.id) AS episode_ids
OPTIONAL MATCH (f)-[:SUPERSEDED_BY]->(n:Fact)
RETURN f {.id, .text, .predicate, .subject, .object, .valid_from, .valid_to, .recorded_at, .expired_at, .updated_at, .confidence, .mentions, .hash, .metadata_json, .user_id, .agent_id, .run_id} AS fact, episode_ids, n.id AS superseded_by
