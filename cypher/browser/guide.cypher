// graphmem guide for Neo4j Browser: five questions about one person, answered in Cypher.
// Not loaded by graphmem. Paste one query at a time into Browser (http://localhost:7474),
// after loading cypher/browser/style.grass (drag it onto the window) and setting, once:
//
//   :param user_id => 'demo-user'          // whose memory (graphmem's user_id)
//   :param name => 'Alice'                 // a person (name or alias, any case)
//   :param as_of => datetime('2022-06-01T00:00:00Z').epochMillis
//   :param fact_id => '<a memory id from search(), get_all() or `graphmem search`>'
//
// Try it on the demo story: `graphmem demo` writes it to the embedded store; to see it in
// Neo4j run the demo with GRAPHMEM_STORE=neo4j (see docker/README.md), or replay any scope
// with `graphmem export --user demo-user --history --format cypher -o s.cypher` and
// `cypher-shell -f s.cypher`.
// Times are epoch milliseconds (UTC). valid_from/valid_to: when a fact held in the world;
// recorded_at/expired_at: when graphmem learned it and when it retired it.

// 1. A person's current world: every relationship that holds now, in both directions.
MATCH (p:Entity {user_id: $user_id})
WHERE toLower(p.name) = toLower($name)
   OR toLower($name) IN [alias IN coalesce(p.aliases, []) | toLower(alias)]
MATCH (p)-[r]-(other:Entity)
WHERE r.fact_id IS NOT NULL AND r.expired_at IS NULL
  AND (r.valid_from IS NULL OR r.valid_from <= timestamp())
  AND (r.valid_to IS NULL OR r.valid_to > timestamp())
RETURN p, r, other;

// 2. The same person's world as of a date ($as_of): what held then, including what changed since.
MATCH (p:Entity {user_id: $user_id})
WHERE toLower(p.name) = toLower($name)
   OR toLower($name) IN [alias IN coalesce(p.aliases, []) | toLower(alias)]
MATCH (p)-[r]-(other:Entity)
WHERE r.fact_id IS NOT NULL
  AND (r.valid_from IS NULL OR r.valid_from <= $as_of)
  AND (r.valid_to IS NULL OR r.valid_to > $as_of)
RETURN p, r, other;

// 3. What changed and when: the person's facts on a timeline, each with what replaced it.
MATCH (p:Entity {user_id: $user_id})
WHERE toLower(p.name) = toLower($name)
   OR toLower($name) IN [alias IN coalesce(p.aliases, []) | toLower(alias)]
MATCH (f:Fact)-[:ABOUT]->(p)
OPTIONAL MATCH (f)-[:SUPERSEDED_BY]->(newer:Fact)
RETURN f.text AS fact,
       datetime.fromepochmillis(f.valid_from) AS held_from,
       datetime.fromepochmillis(f.valid_to) AS held_until,
       newer.text AS replaced_by,
       datetime.fromepochmillis(f.recorded_at) AS learned_at,
       datetime.fromepochmillis(f.expired_at) AS retired_at
ORDER BY coalesce(f.valid_from, f.recorded_at), f.recorded_at;

// 4. A 3-hop neighbourhood: who and what is within three current relationships of the person
//    (multi-hop questions like "where does Alice's manager live?" walk these paths).
MATCH (p:Entity {user_id: $user_id})
WHERE toLower(p.name) = toLower($name)
   OR toLower($name) IN [alias IN coalesce(p.aliases, []) | toLower(alias)]
MATCH path = (p)-[rels*1..3]-(other:Entity)
WHERE all(r IN rels WHERE r.fact_id IS NOT NULL AND r.expired_at IS NULL
          AND (r.valid_to IS NULL OR r.valid_to > timestamp()))
RETURN path
LIMIT 200;

// 5. Provenance of a fact: the conversations it came from, the entities it is about, and its
//    change log (ADD, MERGE, UPDATE, INVALIDATE, DELETE).
MATCH (f:Fact {id: $fact_id, user_id: $user_id})
OPTIONAL MATCH (f)-[:FROM]->(episode:Episode)
OPTIONAL MATCH (f)-[about:ABOUT]->(entity:Entity)
OPTIONAL MATCH (h:History {memory_id: f.id})
RETURN f.text AS fact,
       f.mentions AS mentions,
       collect(DISTINCT entity.name + ' (' + about.role + ')') AS about,
       collect(DISTINCT {occurred_at: datetime.fromepochmillis(episode.occurred_at),
                         messages: episode.messages_json}) AS said_in,
       collect(DISTINCT h.event) AS changes;
