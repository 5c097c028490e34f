// The entities the given facts are about (secondary seeds for graph expansion, and hit details).
// params: $ids, scope ids   returns: fact_id, entity_id, name, role
MATCH (f:Fact)
WHERE f.id IN $ids
WITH f
WHERE {{scope f}}
MATCH (f)-[a:ABOUT]->(n:Entity)
RETURN f.id AS fact_id, n.id AS entity_id, n.name AS name, a.role AS role
