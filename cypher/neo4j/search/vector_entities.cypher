// Entities whose name embedding is close to the query (seed entities for graph expansion).
// params: $vector, $k, $limit, scope ids   returns: id, name, similarity
CALL db.index.vector.queryNodes('entity_embedding', $k, $vector) YIELD node AS n, score
WHERE {{entity_scope n}}
RETURN n.id AS id, n.name AS name, 2 * score - 1 AS similarity
ORDER BY similarity DESC
LIMIT $limit
