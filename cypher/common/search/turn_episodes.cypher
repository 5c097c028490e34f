// The episodes (sessions) the given raw turns came from, with their ordered messages, so search
// can bring a hit's neighbouring turns along. Scoped inside the query.
// params: $ids, scope ids   returns: fact_id, messages_json
MATCH (f:Fact)
WHERE f.id IN $ids
WITH f
WHERE {{scope f}}
MATCH (f)-[:FROM]->(e:Episode)
WHERE {{scope e}}
RETURN f.id AS fact_id, e.messages_json AS messages_json
ORDER BY e.occurred_at
