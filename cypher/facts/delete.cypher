// Really delete one fact (right to be forgotten): its typed relationship, the fact, entities and
// episodes left with no fact, and the content of its history records.
// params: $id   returns: deleted
MATCH (f:Fact {id: $id})
OPTIONAL MATCH (f)-[:ABOUT {role: 'subject'}]->(:Entity)-[r]->(:Entity)
WHERE r.fact_id = f.id
DELETE r
WITH DISTINCT f
OPTIONAL MATCH (f)-[:ABOUT]->(n:Entity)
OPTIONAL MATCH (f)-[:FROM]->(e:Episode)
WITH f, collect(DISTINCT n) AS entities, collect(DISTINCT e) AS episodes
DETACH DELETE f
WITH entities, episodes
UNWIND entities + episodes AS orphan
OPTIONAL MATCH (orphan)<-[link:ABOUT|FROM]-(:Fact)
WITH orphan, count(link) AS links
WHERE links = 0
DETACH DELETE orphan
RETURN count(*) AS deleted
