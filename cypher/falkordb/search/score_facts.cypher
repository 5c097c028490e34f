// FalkorDB: cosine similarity of given facts to the query vector.
// params: $ids, $vector, scope ids   returns: id, similarity
MATCH (f:Fact)
WHERE f.id IN $ids
WITH f
WHERE {{scope f}} AND f.embedding IS NOT NULL
RETURN f.id AS id, 1 - vec.cosineDistance(f.embedding, vecf32($vector)) AS similarity
