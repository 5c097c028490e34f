// Write fragment: record new aliases of existing entities.
// rows: [{scope_key, key, aliases, alias_keys, alias_text, updated_at}]
UNWIND rows AS row
MATCH (n:Entity {scope_key: row.scope_key, key: row.key})
SET n.aliases = row.aliases, n.alias_keys = row.alias_keys, n.alias_text = row.alias_text,
    n.updated_at = row.updated_at
