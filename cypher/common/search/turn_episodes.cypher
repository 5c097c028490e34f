// The episodes (sessions) the given raw turns came from, with their ordered messages and the
// episodes written just before and after them in the same scope (write/episode_create links
// them by NEXT), so search can bring a hit's neighbouring turns along across add() calls.
// Scoped inside the query.
// params: $ids, scope ids
// returns: fact_id, messages_json, occurred_at, before_json, before_at, after_json, after_at
MATCH (f:Fact)
WHERE f.id IN $ids
WITH f
WHERE {{scope f}}
MATCH (f)-[:FROM]->(e:Episode)
WHERE {{scope e}}
OPTIONAL MATCH (b:Episode)-[:NEXT]->(e)
WHERE {{scope b}}
OPTIONAL MATCH (e)-[:NEXT]->(a:Episode)
WHERE {{scope a}}
RETURN f.id AS fact_id, e.messages_json AS messages_json, e.occurred_at AS occurred_at,
       b.messages_json AS before_json, b.occurred_at AS before_at,
       a.messages_json AS after_json, a.occurred_at AS after_at
ORDER BY e.occurred_at
