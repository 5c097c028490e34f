// Write fragment: really delete facts (right to be forgotten): the typed relationship, the fact,
// the raw messages of the episodes it came from (redacted: they may quote it), and the entities
// and episodes left with no fact at all.
// rows: [{id}]
UNWIND rows AS row
MATCH (f:Fact {id: row.id})
OPTIONAL MATCH (f)-[:ABOUT {role: 'subject'}]->(:Entity)-[r]->(:Entity)
WHERE r.fact_id = f.id
DELETE r
WITH DISTINCT f
OPTIONAL MATCH (f)-[:ABOUT]->(n:Entity)
OPTIONAL MATCH (f)-[:FROM]->(e:Episode)
WITH f, collect(DISTINCT n) AS entities, collect(DISTINCT e) AS episodes
DETACH DELETE f
WITH entities, episodes
FOREACH (episode IN episodes | SET episode.messages_json = '[]', episode.redacted = true)
WITH entities + episodes AS leftovers
UNWIND leftovers AS orphan
OPTIONAL MATCH (orphan)<-[link:ABOUT|FROM]-(:Fact)
WITH orphan, count(link) AS links
WHERE links = 0
DETACH DELETE orphan
