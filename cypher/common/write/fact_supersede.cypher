// Write fragment: retire old facts (never deleted): close world validity, stamp system expiry,
// link to the fact that replaced them, and close their typed relationship the same way.
// rows: [{old_id, new_id, valid_to, expired_at}]
UNWIND rows AS row
MATCH (old:Fact {id: row.old_id})
SET old.valid_to = row.valid_to, old.expired_at = row.expired_at, old.updated_at = row.expired_at
WITH old, row
OPTIONAL MATCH (new:Fact {id: row.new_id})
FOREACH (_ IN CASE WHEN new IS NULL THEN [] ELSE [1] END | CREATE (old)-[:SUPERSEDED_BY]->(new))
WITH old, row
MATCH (old)-[:ABOUT {role: 'subject'}]->(:Entity)-[r]->(:Entity)
WHERE r.fact_id = old.id
SET r.valid_to = row.valid_to, r.expired_at = row.expired_at
