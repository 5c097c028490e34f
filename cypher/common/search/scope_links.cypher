// The entity links of the scope's facts, for the in-process search graph (search/_links): each
// ABOUT link (role, entity id and name) and, on a binary fact's subject link, the type of its
// typed relationship and the object it points to. Links never change once written (a delete
// rebuilds the search graph), so the caller reads them once per fact.
// params: scope ids
// returns: fact_id, role, entity_id, name, rel_type, object_id
MATCH (f:Fact)
WHERE {{scope f}}
MATCH (f)-[a:ABOUT]->(n:Entity)
OPTIONAL MATCH (f)-[:ABOUT {role: 'object'}]->(o:Entity)<-[r]-(n)
WHERE a.role = 'subject' AND r.fact_id = f.id
RETURN f.id AS fact_id, a.role AS role, n.id AS entity_id, n.name AS name,
       type(r) AS rel_type, o.id AS object_id
