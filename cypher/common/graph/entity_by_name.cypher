// Entities of the caller's entity scope whose key or alias key is $key (Memory.neighbors()).
// params: $key, scope ids   returns: id, name
MATCH (n:Entity)
WHERE {{entity_scope n}} AND (n.key = $key OR $key IN n.alias_keys)
RETURN n.id AS id, n.name AS name
