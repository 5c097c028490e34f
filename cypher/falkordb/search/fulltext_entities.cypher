// FalkorDB (RediSearch) full-text call on entity names and aliases.
// params: $query, $limit, scope ids   returns: id, name, aliases, score
CALL db.idx.fulltext.queryNodes('Entity', $query) YIELD node AS n, score
WHERE {{entity_scope n}}
RETURN n.id AS id, n.name AS name, n.aliases AS aliases, score
ORDER BY score DESC
LIMIT $limit
