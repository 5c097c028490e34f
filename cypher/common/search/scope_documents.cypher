// The scope's facts written or changed since $since (ms; 0 = all), with what search ranks and
// filters on: text, triple, validity window and metadata. Scoped inside the query.
// params: $since, scope ids
// returns: id, text, predicate, subject, object, valid_from, valid_to, recorded_at, metadata_json
MATCH (f:Fact)
WHERE {{scope f}}
  AND (coalesce(f.updated_at, 0) >= $since OR coalesce(f.recorded_at, 0) >= $since)
RETURN f.id AS id, f.text AS text, f.predicate AS predicate, f.subject AS subject,
       f.object AS object, f.valid_from AS valid_from, f.valid_to AS valid_to,
       f.recorded_at AS recorded_at, f.metadata_json AS metadata_json
