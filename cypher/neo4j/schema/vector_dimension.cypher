// Neo4j: the dimension of the existing fact vector index, if any.
// returns: dimension
SHOW VECTOR INDEXES YIELD name, options
WHERE name = 'fact_embedding'
RETURN options.indexConfig.`vector.dimensions` AS dimension
