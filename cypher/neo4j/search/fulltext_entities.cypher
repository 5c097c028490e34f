// Entities whose name or aliases match the query words.
// params: $query, $limit, scope ids   returns: id, name, aliases, score
CALL db.index.fulltext.queryNodes('entity_name', $query) YIELD node AS n, score
WHERE {{entity_scope n}}
RETURN n.id AS id, n.name AS name, n.aliases AS aliases, score
ORDER BY score DESC
LIMIT $limit
