// The embeddings of the scope's facts (only $ids when given) for the in-process dense leg.
// params: $ids (or null), scope ids   returns: id, embedding
MATCH (f:Fact)
WHERE {{scope f}} AND f.embedding IS NOT NULL AND ($ids IS NULL OR f.id IN $ids)
RETURN f.id AS id, f.embedding AS embedding
