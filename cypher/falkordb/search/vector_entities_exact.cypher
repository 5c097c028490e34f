// FalkorDB: exact entity-name similarity within the entity scope.
// params: $vector, $limit, scope ids   returns: id, name, type, key, similarity
MATCH (n:Entity)
WHERE {{entity_scope n}} AND n.embedding IS NOT NULL
WITH n, vec.cosineDistance(n.embedding, vecf32($vector)) AS distance
RETURN n.id AS id, n.name AS name, n.type AS type, n.key AS key, 1 - distance AS similarity
ORDER BY similarity DESC
LIMIT $limit
