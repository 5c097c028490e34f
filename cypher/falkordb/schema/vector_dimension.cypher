// FalkorDB: the vector indexes on embeddings: the dimension marker and any HNSW index on Fact or
// Entity left by graphmem versions before the exact scoped search (bootstrap drops those).
// returns: label, dimension
CALL db.indexes() YIELD label, properties, types, options
WHERE 'embedding' IN properties AND 'VECTOR' IN types.embedding
RETURN label, options.embedding.dimension AS dimension
