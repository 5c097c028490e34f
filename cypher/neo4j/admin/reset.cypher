// Neo4j: reset(): delete graphmem's nodes and their relationships, and nothing else.
// A Neo4j database is often shared (Community Edition has one user database), so only nodes with
// graphmem's own labels are deleted (typed relationships go with their entities). Deletion is
// batched so a large graph never has to fit in one transaction's memory; a statement with
// IN TRANSACTIONS runs in an auto-commit transaction (the store sees to it). Needs Neo4j 5.23+
// (variable scope clause `CALL (n)`).
// returns: deleted
MATCH (n:Fact|Entity|Episode|History)
CALL (n) {
  DETACH DELETE n
} IN TRANSACTIONS OF 5000 ROWS
RETURN count(*) AS deleted
