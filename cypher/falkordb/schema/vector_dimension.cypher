// FalkorDB: the dimension of the existing Fact vector index, if any.
// returns: dimension
CALL db.indexes() YIELD label, properties, types, options
WHERE label = 'Fact' AND 'embedding' IN properties
RETURN options.embedding.dimension AS dimension
