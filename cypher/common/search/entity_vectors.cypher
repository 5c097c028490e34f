// The name embeddings of the scope's entities (only $ids when given), for in-process seeds.
// params: $ids (or null), scope ids   returns: id, embedding
MATCH (n:Entity)
WHERE {{entity_scope n}} AND n.embedding IS NOT NULL AND ($ids IS NULL OR n.id IN $ids)
RETURN n.id AS id, n.embedding AS embedding
