// One hop of graph expansion from frontier entities over typed relationships valid at $as_of,
// at most $fanout relationships per entity, so hubs cannot blow up latency: the kept ones are
// those whose type is most relevant to the query ($weights: type -> relevance), newest first.
// Both ends must be in the caller's entity scope and the relationship in the caller's scope
// (a run-scoped read follows that run's relationships only).
// params: $ids, $as_of, $include_history, $fanout, $weights, scope ids
// returns: from_id, fact_id, rel_type, outgoing, to_id, to_name
MATCH (s:Entity)
WHERE s.id IN $ids
WITH s
WHERE {{entity_scope s}}
MATCH (s)-[r]-(o:Entity)
WHERE {{entity_scope o}} AND {{scope r}} AND r.fact_id IS NOT NULL
  AND ($include_history OR ((r.valid_from IS NULL OR r.valid_from <= $as_of)
       AND (r.valid_to IS NULL OR r.valid_to > $as_of)))
WITH s, r, o, coalesce($weights[type(r)], 0.0) AS weight
ORDER BY weight DESC, coalesce(r.valid_from, 0) DESC
WITH s, collect([r.fact_id, type(r), startNode(r) = s, o.id, o.name])[..$fanout] AS picks
UNWIND picks AS pick
RETURN s.id AS from_id, pick[0] AS fact_id, pick[1] AS rel_type, pick[2] AS outgoing,
       pick[3] AS to_id, pick[4] AS to_name
