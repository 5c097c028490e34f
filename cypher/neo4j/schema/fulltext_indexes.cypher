// Neo4j: full-text indexes on fact text and entity names/aliases, with the English analyzer
// (stemming: "live" finds "lives", as RediSearch does on FalkorDB).
CREATE FULLTEXT INDEX fact_text IF NOT EXISTS FOR (f:Fact) ON EACH [f.text]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'english'}};
CREATE FULLTEXT INDEX entity_name IF NOT EXISTS FOR (n:Entity) ON EACH [n.name, n.alias_text]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'english'}}
