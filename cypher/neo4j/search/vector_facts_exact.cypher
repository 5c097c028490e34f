// Exact cosine over the scope's facts only (range index on the scope ids): used for small scopes
// and whenever the index pass left fewer than $limit in-scope rows.
// $ids (or null): only these facts (the search filters, resolved on the scope's catalogue).
// params: $vector, $limit, $ids, $as_of, $include_history, scope ids   returns: id, similarity
MATCH (f:Fact)
WHERE {{scope f}} AND f.embedding IS NOT NULL AND ($ids IS NULL OR f.id IN $ids) AND ($include_history OR ((f.valid_from IS NULL OR f.valid_from <= $as_of) AND (f.valid_to IS NULL OR f.valid_to > $as_of)))
WITH f, vector.similarity.cosine(f.embedding, $vector) AS score
RETURN f.id AS id, 2 * score - 1 AS similarity
ORDER BY similarity DESC, id
LIMIT $limit
