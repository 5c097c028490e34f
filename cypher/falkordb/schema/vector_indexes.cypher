// FalkorDB: cosine vector indexes on fact and entity-name embeddings.
// params: $dimension
CREATE VECTOR INDEX FOR (f:Fact) ON (f.embedding) OPTIONS {dimension: $dimension, similarityFunction: 'cosine'};
CREATE VECTOR INDEX FOR (n:Entity) ON (n.embedding) OPTIONS {dimension: $dimension, similarityFunction: 'cosine'}
