// FalkorDB: vectors are stored with vecf32(). REMOVE first: FalkorDB 4.16 leaves an existing
// vecf32 value unchanged when SET over it (an updated fact kept its old vector; measured).
// rows: [{id, embedding}]
UNWIND rows AS row
MATCH (f:Fact {id: row.id})
REMOVE f.embedding
SET f.embedding = vecf32(row.embedding)
