// Neo4j: the base of FalkorDB's migration statement. graphmem never runs it on Neo4j, which
// persists its vector indexes (no rebuild on restart) and keeps them for Neo4j Browser and search.
DROP INDEX fact_embedding IF EXISTS;
DROP INDEX entity_embedding IF EXISTS
