// The entity links of the given facts (facts new to the in-process search graph, search/_links):
// each ABOUT link and, on a binary fact's subject link, its typed relationship's type and object.
// params: $ids, scope ids
// returns: fact_id, role, entity_id, name, rel_type, object_id
MATCH (f:Fact)
WHERE f.id IN $ids
WITH f
WHERE {{scope f}}
MATCH (f)-[a:ABOUT]->(n:Entity)
OPTIONAL MATCH (f)-[:ABOUT {role: 'object'}]->(o:Entity)<-[r]-(n)
WHERE a.role = 'subject' AND r.fact_id = f.id
RETURN f.id AS fact_id, a.role AS role, n.id AS entity_id, n.name AS name,
       type(r) AS rel_type, o.id AS object_id
