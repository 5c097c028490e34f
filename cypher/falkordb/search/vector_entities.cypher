// FalkorDB: entity name vectors; similarity = 1 - cosine distance.
// params: $vector, $k, $limit, scope ids   returns: id, name, similarity
CALL db.idx.vector.queryNodes('Entity', 'embedding', $k, vecf32($vector)) YIELD node AS n, score
WHERE {{entity_scope n}}
RETURN n.id AS id, n.name AS name, 1 - score AS similarity
ORDER BY similarity DESC
LIMIT $limit
