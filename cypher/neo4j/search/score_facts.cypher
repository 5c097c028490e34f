// Cosine similarity of given facts to the query vector (graph candidates), within the scope.
// params: $ids, $vector, scope ids   returns: id, similarity
MATCH (f:Fact)
WHERE f.id IN $ids
WITH f
WHERE {{scope f}} AND f.embedding IS NOT NULL
RETURN f.id AS id, 2 * vector.similarity.cosine(f.embedding, $vector) - 1 AS similarity
