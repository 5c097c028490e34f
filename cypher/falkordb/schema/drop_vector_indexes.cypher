// FalkorDB: drop the HNSW indexes on fact and entity vectors that older graphmem versions created
// (rebuilt on every server start). Each statement runs alone; "no such index" errors are ignored.
DROP VECTOR INDEX FOR (f:Fact) ON (f.embedding);
DROP VECTOR INDEX FOR (n:Entity) ON (n.embedding)
