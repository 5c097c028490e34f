// Neo4j: constraints and range indexes (statements separated by ';').
// graphmem_entity_key backs MERGE on (scope_key, key); graphmem_entity_scope serves lookups that
// filter on scope_key alone (entities/by_keys matches a key OR an alias key).
CREATE CONSTRAINT graphmem_fact_id IF NOT EXISTS FOR (f:Fact) REQUIRE f.id IS UNIQUE;
CREATE CONSTRAINT graphmem_entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT graphmem_entity_key IF NOT EXISTS FOR (n:Entity) REQUIRE (n.scope_key, n.key) IS UNIQUE;
CREATE CONSTRAINT graphmem_episode_id IF NOT EXISTS FOR (e:Episode) REQUIRE e.id IS UNIQUE;
CREATE INDEX graphmem_fact_user IF NOT EXISTS FOR (f:Fact) ON (f.user_id);
CREATE INDEX graphmem_fact_agent IF NOT EXISTS FOR (f:Fact) ON (f.agent_id);
CREATE INDEX graphmem_fact_run IF NOT EXISTS FOR (f:Fact) ON (f.run_id);
CREATE INDEX graphmem_fact_hash IF NOT EXISTS FOR (f:Fact) ON (f.hash);
CREATE INDEX graphmem_entity_scope IF NOT EXISTS FOR (n:Entity) ON (n.scope_key);
CREATE INDEX graphmem_entity_user IF NOT EXISTS FOR (n:Entity) ON (n.user_id);
CREATE INDEX graphmem_entity_agent IF NOT EXISTS FOR (n:Entity) ON (n.agent_id);
CREATE INDEX graphmem_entity_run IF NOT EXISTS FOR (n:Entity) ON (n.run_id);
CREATE INDEX graphmem_episode_hash IF NOT EXISTS FOR (e:Episode) ON (e.content_hash);
CREATE INDEX graphmem_episode_user IF NOT EXISTS FOR (e:Episode) ON (e.user_id);
CREATE INDEX graphmem_episode_agent IF NOT EXISTS FOR (e:Episode) ON (e.agent_id);
CREATE INDEX graphmem_episode_run IF NOT EXISTS FOR (e:Episode) ON (e.run_id);
CREATE INDEX graphmem_episode_scope IF NOT EXISTS FOR (e:Episode) ON (e.scope_key);
CREATE INDEX graphmem_history_memory IF NOT EXISTS FOR (h:History) ON (h.memory_id);
CREATE CONSTRAINT graphmem_scope_clock IF NOT EXISTS FOR (c:ScopeClock) REQUIRE c.key IS UNIQUE;
CREATE INDEX graphmem_clock_user IF NOT EXISTS FOR (c:ScopeClock) ON (c.user_id);
CREATE INDEX graphmem_clock_agent IF NOT EXISTS FOR (c:ScopeClock) ON (c.agent_id);
CREATE INDEX graphmem_clock_run IF NOT EXISTS FOR (c:ScopeClock) ON (c.run_id)
