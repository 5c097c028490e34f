// The scope's typed relationships (a run-scoped read: that run's only) valid at $as_of (or all of them with $include_history), for
// Memory.graph(): endpoints with their names and types, and the relationship's fact.
// params: $as_of, $include_history, $limit, scope ids
// returns: source_id, source_name, source_type, rel_type, fact_id, text, valid_from, valid_to,
//          target_id, target_name, target_type
MATCH (s:Entity)-[r]->(o:Entity)
WHERE {{entity_scope s}} AND {{scope r}} AND r.fact_id IS NOT NULL
  AND ($include_history OR ((r.valid_from IS NULL OR r.valid_from <= $as_of)
       AND (r.valid_to IS NULL OR r.valid_to > $as_of)))
RETURN s.id AS source_id, s.name AS source_name, s.type AS source_type, type(r) AS rel_type,
       r.fact_id AS fact_id, r.text AS text, r.valid_from AS valid_from, r.valid_to AS valid_to,
       o.id AS target_id, o.name AS target_name, o.type AS target_type
LIMIT $limit
