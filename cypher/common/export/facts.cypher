// Export replay: facts (the unit of truth) with validity and provenance fields; times are ISO-8601.
// $rows: [{id, props: {text, predicate, subject, object, valid_from, valid_to, recorded_at, expired_at, user_id, agent_id, run_id}}]
UNWIND $rows AS row
MERGE (f:Fact {id: row.id})
SET f += row.props
