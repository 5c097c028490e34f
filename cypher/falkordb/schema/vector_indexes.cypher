// FalkorDB: record the embedding dimension in the schema, without a vector index on data.
// FalkorDB does not persist HNSW graphs: every index on Fact or Entity vectors was rebuilt while
// the server loaded its file (24.9 s at 10k facts, 468 s at 98k), so graphmem keeps none; search
// ranks vectors exactly within the scope. The one index is on a label that holds no node: it
// costs nothing to rebuild and lets bootstrap() refuse an embedder of another dimension.
// params: $dimension
CREATE VECTOR INDEX FOR (s:GraphmemSchema) ON (s.embedding) OPTIONS {dimension: $dimension, similarityFunction: 'cosine'}
