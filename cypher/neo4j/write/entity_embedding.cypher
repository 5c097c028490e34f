// Write fragment: set entity name embeddings.
// rows: [{scope_key, key, embedding}]
UNWIND rows AS row
MATCH (n:Entity {scope_key: row.scope_key, key: row.key})
SET n.embedding = row.embedding
