// FalkorDB: full-text indexes on fact text and entity names/aliases.
CALL db.idx.fulltext.createNodeIndex('Fact', 'text');
CALL db.idx.fulltext.createNodeIndex('Entity', 'name', 'alias_text')
