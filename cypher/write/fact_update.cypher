// Write fragment: a user edit of a fact's text (update()).
// rows: [{id, text, hash, updated_at}]
UNWIND rows AS row
MATCH (f:Fact {id: row.id})
SET f.text = row.text, f.hash = row.hash, f.updated_at = row.updated_at
