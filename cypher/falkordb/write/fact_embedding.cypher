// FalkorDB: vectors are stored with vecf32().
// rows: [{id, embedding}]
UNWIND rows AS row
MATCH (f:Fact {id: row.id})
SET f.embedding = vecf32(row.embedding)
