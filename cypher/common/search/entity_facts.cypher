// Facts about the given entities (unary facts and relations), valid at $as_of, for graph hits.
// Anchored on the entities (the WITH keeps the planner from scanning the scope's facts).
// params: $ids, $as_of, $include_history, $fanout, scope ids   returns: entity_id, fact_id
MATCH (n:Entity)
WHERE n.id IN $ids
WITH n
MATCH (f:Fact)-[:ABOUT]->(n)
WHERE {{scope f}}
  AND ($include_history OR ((f.valid_from IS NULL OR f.valid_from <= $as_of)
       AND (f.valid_to IS NULL OR f.valid_to > $as_of)))
WITH n, f
ORDER BY f.recorded_at DESC
WITH n, collect(f.id)[..$fanout] AS ids
UNWIND ids AS fact_id
RETURN n.id AS entity_id, fact_id
