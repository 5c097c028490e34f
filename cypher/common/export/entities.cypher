// Export replay (graphmem export --format cypher): entities of one type into any Neo4j.
// {{label}} is the validated entity type. $rows: [{id, props: {name, type, aliases, user_id, agent_id, run_id}}]
UNWIND $rows AS row
MERGE (n:Entity {id: row.id})
SET n += row.props, n:{{label}}
