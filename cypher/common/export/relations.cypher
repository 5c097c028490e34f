// Export replay: typed relationships of one type between exported entities.
// {{rel_type}} is validated. $rows: [{source, target, fact_id, props: {text, valid_from, valid_to}}]
UNWIND $rows AS row
MATCH (s:Entity {id: row.source})
MATCH (o:Entity {id: row.target})
MERGE (s)-[r:{{rel_type}} {fact_id: row.fact_id}]->(o)
SET r += row.props
