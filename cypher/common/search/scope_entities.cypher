// The entities of the search scope's entity scope written or touched since $since (ms; 0 = all),
// for seeding graph expansion in process (search/_entities): names and aliases to match the
// query's words, the vector is read separately (search/entity_vectors).
// params: $since, scope ids
// returns: id, name, aliases, updated_at
MATCH (n:Entity)
WHERE {{entity_scope n}} AND coalesce(n.updated_at, 0) >= $since
RETURN n.id AS id, n.name AS name, n.aliases AS aliases, n.updated_at AS updated_at
