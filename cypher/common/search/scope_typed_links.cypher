// The typed relationship of each of the scope's facts that has one: subject -[type]-> object,
// found between the fact's two ABOUT endpoints (never by scanning a hub's relationships).
// params: scope ids
// returns: fact_id, rel_type, object_id
MATCH (f:Fact)
WHERE {{scope f}}
MATCH (f)-[:ABOUT {role: 'subject'}]->(n:Entity), (f)-[:ABOUT {role: 'object'}]->(o:Entity)
MATCH (n)-[r]->(o)
WHERE r.fact_id = f.id
RETURN f.id AS fact_id, type(r) AS rel_type, o.id AS object_id
