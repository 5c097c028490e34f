// FalkorDB: exact cosine distance over the scope's facts.
// $ids (or null): only these facts (the search filters, resolved on the scope's catalogue).
// params: $vector, $limit, $ids, $as_of, $include_history, scope ids   returns: id, similarity
MATCH (f:Fact)
WHERE {{scope f}} AND f.embedding IS NOT NULL AND ($ids IS NULL OR f.id IN $ids) AND ($include_history OR ((f.valid_from IS NULL OR f.valid_from <= $as_of) AND (f.valid_to IS NULL OR f.valid_to > $as_of)))
WITH f, vec.cosineDistance(f.embedding, vecf32($vector)) AS distance
RETURN f.id AS id, 1 - distance AS similarity
ORDER BY similarity DESC, id
LIMIT $limit
