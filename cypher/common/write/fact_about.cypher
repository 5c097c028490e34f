// Write fragment: link facts to the entities they are about.
// rows: [{fact_id, scope_key, key, role}]  (role: subject | object | about)
UNWIND rows AS row
MATCH (f:Fact {id: row.fact_id})
MATCH (n:Entity {scope_key: row.scope_key, key: row.key})
CREATE (f)-[:ABOUT {role: row.role}]->(n)
