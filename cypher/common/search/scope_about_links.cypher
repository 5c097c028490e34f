// Every ABOUT link of the scope's facts (the in-process search graph's first read; the typed
// relationships come from search/scope_typed_links: one OPTIONAL MATCH per link row cost ~3x).
// params: scope ids
// returns: fact_id, role, entity_id, name
MATCH (f:Fact)
WHERE {{scope f}}
MATCH (f)-[a:ABOUT]->(n:Entity)
RETURN f.id AS fact_id, a.role AS role, n.id AS entity_id, n.name AS name
