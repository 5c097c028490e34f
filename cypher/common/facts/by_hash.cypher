// Current facts of the writer's exact scope with the same text hash (duplicate detection for
// infer=False; a run only merges into its own facts).
// params: $hashes, $fact_scope_key, scope ids   returns: fact
MATCH (f:Fact)
WHERE f.hash IN $hashes
WITH f
WHERE {{scope f}} AND f.scope_key = $fact_scope_key AND f.expired_at IS NULL
RETURN f {.id, .text, .predicate, .subject, .object, .valid_from, .valid_to, .recorded_at, .expired_at, .updated_at, .confidence, .mentions, .hash, .metadata_json, .user_id, .agent_id, .run_id} AS fact
