// Write fragment: a repeated fact: count the mention, widen or close its validity (its typed
// relationship too), add provenance.
// rows: [{id, episode_id, valid_from, valid_to, updated_at}]
UNWIND rows AS row
MATCH (f:Fact {id: row.id})
SET f.mentions = coalesce(f.mentions, 1) + 1, f.updated_at = row.updated_at,
    f.valid_from = row.valid_from, f.valid_to = row.valid_to
WITH f, row
MATCH (e:Episode {id: row.episode_id})
MERGE (f)-[:FROM]->(e)
WITH f, row
OPTIONAL MATCH (f)-[:ABOUT {role: 'subject'}]->(:Entity)-[r]->(:Entity)
WHERE r.fact_id = f.id
FOREACH (_ IN CASE WHEN r IS NULL THEN [] ELSE [1] END |
  SET r.valid_from = row.valid_from, r.valid_to = row.valid_to)
