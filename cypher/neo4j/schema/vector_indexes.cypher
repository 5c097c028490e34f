// Neo4j: cosine vector indexes on fact and entity-name embeddings.
// The last statement waits (up to 300 s) until every index is ONLINE, so the first search after
// bootstrap() already uses them.
// params: $dimension
CREATE VECTOR INDEX fact_embedding IF NOT EXISTS FOR (f:Fact) ON (f.embedding)
OPTIONS {indexConfig: {`vector.dimensions`: $dimension, `vector.similarity_function`: 'cosine'}};
CREATE VECTOR INDEX entity_embedding IF NOT EXISTS FOR (n:Entity) ON (n.embedding)
OPTIONS {indexConfig: {`vector.dimensions`: $dimension, `vector.similarity_function`: 'cosine'}};
CALL db.awaitIndexes(300)
