// FalkorDB: vectors are stored with vecf32().
// rows: [{scope_key, key, embedding}]
UNWIND rows AS row
MATCH (n:Entity {scope_key: row.scope_key, key: row.key})
SET n.embedding = vecf32(row.embedding)
