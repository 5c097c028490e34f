// One fact by id, with the episodes it came from. Never returns the embedding.
// params: $id   returns: fact (map), episode_ids (list)
MATCH (f:Fact {id: $id})
OPTIONAL MATCH (f)-[:FROM]->(e:Episode)
RETURN f {.id, .text, .predicate, .subject, .object, .valid_from, .valid_to, .recorded_at, .expired_at, .updated_at, .confidence, .mentions, .hash, .metadata_json, .user_id, .agent_id, .run_id} AS fact, collect(e.id) AS episode_ids
