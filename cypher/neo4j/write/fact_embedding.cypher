// Write fragment: set fact embeddings (the vector index reads these).
// rows: [{id, embedding}]
UNWIND rows AS row
MATCH (f:Fact {id: row.id})
SET f.embedding = row.embedding
