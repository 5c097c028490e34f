// Exact entity-name similarity within the entity scope (entity resolution and small scopes).
// params: $vector, $limit, scope ids   returns: id, name, type, key, similarity
MATCH (n:Entity)
WHERE {{entity_scope n}} AND n.embedding IS NOT NULL
WITH n, vector.similarity.cosine(n.embedding, $vector) AS score
RETURN n.id AS id, n.name AS name, n.type AS type, n.key AS key, 2 * score - 1 AS similarity
ORDER BY similarity DESC
LIMIT $limit
