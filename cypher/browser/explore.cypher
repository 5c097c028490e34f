// graphmem: exploration queries for Neo4j Browser (http://localhost:7474).
// Not loaded by graphmem. Load cypher/browser/style.grass first for colours and captions.
// Set the parameters once, then run any query below (statements are separated by ';'):
//
//   :param user_id => 'alice'
//   :param name => 'Alice'
//   :param fact_id => '<a memory id returned by add() or search()>'
//   :param as_of => datetime('2023-06-01T00:00:00Z').epochMillis
//
// Times are stored as epoch milliseconds (UTC); datetime.fromepochmillis() makes them readable.
// World time: valid_from/valid_to (when a fact held). System time: recorded_at/expired_at (when
// graphmem learned it and when it retired it). A typed relationship carries its fact's id
// (fact_id) and the same four fields.

// 1. A user's current graph: entities and the typed relationships that hold now.
MATCH (s:Entity {user_id: $user_id})-[r]->(o:Entity)
WHERE r.fact_id IS NOT NULL AND r.expired_at IS NULL
  AND (r.valid_from IS NULL OR r.valid_from <= timestamp())
  AND (r.valid_to IS NULL OR r.valid_to > timestamp())
RETURN s, r, o
LIMIT 300;

// 2. A fact's history chain: every fact it replaced and every fact that replaced it, as a path.
MATCH (f:Fact {id: $fact_id})
MATCH chain = (first:Fact)-[:SUPERSEDED_BY*0..25]->(f)-[:SUPERSEDED_BY*0..25]->(last:Fact)
WHERE NOT EXISTS { (:Fact)-[:SUPERSEDED_BY]->(first) }
  AND NOT EXISTS { (last)-[:SUPERSEDED_BY]->(:Fact) }
RETURN chain;

// 3. The same chain as a table, oldest first, with readable intervals.
MATCH (f:Fact {id: $fact_id})
MATCH chain = (first:Fact)-[:SUPERSEDED_BY*0..25]->(f)-[:SUPERSEDED_BY*0..25]->(last:Fact)
WHERE NOT EXISTS { (:Fact)-[:SUPERSEDED_BY]->(first) }
  AND NOT EXISTS { (last)-[:SUPERSEDED_BY]->(:Fact) }
UNWIND nodes(chain) AS fact
RETURN fact.id AS id, fact.text AS text,
       datetime.fromepochmillis(fact.valid_from) AS valid_from,
       datetime.fromepochmillis(fact.valid_to) AS valid_to,
       datetime.fromepochmillis(fact.recorded_at) AS recorded_at,
       datetime.fromepochmillis(fact.expired_at) AS expired_at,
       fact.mentions AS mentions;

// 4. An entity's neighbourhood: relationships that hold now, up to two hops, by name or alias.
MATCH (e:Entity {user_id: $user_id})
WHERE toLower(e.name) = toLower($name)
   OR toLower($name) IN [alias IN coalesce(e.aliases, []) | toLower(alias)]
MATCH path = (e)-[rels*1..2]-(other:Entity)
WHERE all(r IN rels WHERE r.fact_id IS NOT NULL AND r.expired_at IS NULL)
RETURN path
LIMIT 100;

// 5. Everything graphmem knows about an entity: its current facts and where they came from.
MATCH (e:Entity {user_id: $user_id})
WHERE toLower(e.name) = toLower($name)
MATCH (f:Fact)-[a:ABOUT]->(e)
WHERE f.expired_at IS NULL
OPTIONAL MATCH (f)-[from:FROM]->(episode:Episode)
RETURN e, a, f, from, episode
LIMIT 200;

// 6. What was true at a date (world time), including facts retired since: the graph "as of".
MATCH (f:Fact {user_id: $user_id})
WHERE (f.valid_from IS NULL OR f.valid_from <= $as_of)
  AND (f.valid_to IS NULL OR f.valid_to > $as_of)
RETURN f.text AS fact,
       datetime.fromepochmillis(f.valid_from) AS valid_from,
       datetime.fromepochmillis(f.valid_to) AS valid_to,
       f.expired_at IS NOT NULL AS retired_since
ORDER BY f.valid_from;

// 7. What graphmem believed at a date (system time): facts recorded by then, not yet retired.
MATCH (f:Fact {user_id: $user_id})
WHERE f.recorded_at <= $as_of AND (f.expired_at IS NULL OR f.expired_at > $as_of)
RETURN f.text AS fact, datetime.fromepochmillis(f.recorded_at) AS recorded_at
ORDER BY f.recorded_at;

// 8. The typed relationships that held at a date, as a graph.
MATCH (s:Entity {user_id: $user_id})-[r]->(o:Entity)
WHERE r.fact_id IS NOT NULL
  AND (r.valid_from IS NULL OR r.valid_from <= $as_of)
  AND (r.valid_to IS NULL OR r.valid_to > $as_of)
RETURN s, r, o
LIMIT 300;

// 9. The change log of one memory (ADD, UPDATE, MERGE, INVALIDATE, DELETE), oldest first.
MATCH (h:History {memory_id: $fact_id})
RETURN h.event AS event, h.old_memory AS before, h.new_memory AS after, h.actor AS actor,
       datetime.fromepochmillis(h.created_at) AS at
ORDER BY h.created_at, h.seq;
