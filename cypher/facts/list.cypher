// The scope's facts, newest first; retired facts only when asked.
// params: $user_id $agent_id $run_id (as given), $include_expired, $limit   returns: fact
MATCH (f:Fact)
WHERE {{scope f}} AND ($include_expired OR f.expired_at IS NULL)
RETURN f {.id, .text, .predicate, .subject, .object, .valid_from, .valid_to, .recorded_at, .expired_at, .updated_at, .confidence, .mentions, .hash, .metadata_json, .user_id, .agent_id, .run_id} AS fact
ORDER BY f.recorded_at DESC
LIMIT $limit
