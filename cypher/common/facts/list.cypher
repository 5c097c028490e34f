// The scope's facts, newest first; retired facts only when asked.
// Current = not retired and not ended ($now is past valid_to).
// Ties in recorded_at order by id, so pages read with $skip neither repeat nor skip a fact.
// params: $user_id $agent_id $run_id (as given), $include_expired, $now, $skip, $limit
// returns: fact
MATCH (f:Fact)
WHERE {{scope f}}
  AND ($include_expired OR (f.expired_at IS NULL AND (f.valid_to IS NULL OR f.valid_to > $now)))
RETURN f {.id, .text, .predicate, .subject, .object, .valid_from, .valid_to, .recorded_at, .expired_at, .updated_at, .confidence, .mentions, .hash, .metadata_json, .user_id, .agent_id, .run_id} AS fact
ORDER BY f.recorded_at DESC, f.id
SKIP $skip
LIMIT $limit
