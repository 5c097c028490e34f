// FalkorDB: vectors are stored with vecf32(). REMOVE first: FalkorDB 4.16 leaves an existing
// vecf32 value unchanged when SET over it (an updated fact kept its old vector; measured).
// rows: [{scope_key, key, embedding}]
UNWIND rows AS row
MATCH (n:Entity {scope_key: row.scope_key, key: row.key})
REMOVE n.embedding
SET n.embedding = vecf32(row.embedding)
