// Write fragment: a user edit of a fact's text (update()), and of its typed relationship's text.
// rows: [{id, text, hash, updated_at}]
UNWIND rows AS row
MATCH (f:Fact {id: row.id})
SET f.text = row.text, f.hash = row.hash, f.updated_at = row.updated_at
WITH f, row
OPTIONAL MATCH (f)-[:ABOUT {role: 'subject'}]->(:Entity)-[r]->(:Entity)
WHERE r.fact_id = f.id
FOREACH (_ IN CASE WHEN r IS NULL THEN [] ELSE [1] END | SET r.text = row.text)
