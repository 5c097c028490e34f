// Write fragment: create Fact nodes and their provenance link to the Episode.
// rows: [{episode_id, props: {id, text, predicate, subject, object, valid_from, valid_to, recorded_at,
//         expired_at, updated_at, confidence, mentions, hash, metadata_json, user_id, agent_id, run_id, scope_key}}]
UNWIND rows AS row
CREATE (f:Fact)
SET f += row.props
WITH f, row
MATCH (e:Episode {id: row.episode_id})
CREATE (f)-[:FROM]->(e)
