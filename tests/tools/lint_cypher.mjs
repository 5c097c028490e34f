// Lint Cypher statements with Neo4j's own language support (the linter behind Neo4j's VS Code
// extension and Query tool), so the Neo4j dialect is checked without a Neo4j server.
//
// Input (stdin):  JSON [{"name": "search/vector_facts", "query": "CALL db.index..."}, ...]
// Output (stdout): JSON [{"name": ..., "diagnostics": [{"severity", "message", "line",
//                  "character", "text"}]}, ...] in input order. severity: 1 error, 2 warning.
// Exit code: 0 when the statements were linted (whatever they contain), 2 on bad input.
//
// Functions and procedures are checked against the signatures of a real Neo4j 5 server that ship
// with the package (testData.mockSchema), keeping only Neo4j's built-ins: APOC and GDS are left
// out because graphmem needs neither, so a statement calling them (or FalkorDB's vecf32() and
// db.idx.* procedures) is reported. Undeclared $parameters are reported as "Parameter $x is not
// defined." and are for the caller to filter.
//
// Linting takes 0.1-1 s per statement, so large inputs are shared among worker threads (one per
// CPU, at most 4).
//
// Usage: echo '[{"name":"q","query":"RETURN 1"}]' | node tests/tools/lint_cypher.mjs
import os from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { lintCypherQuery, testData } from '@neo4j-cypher/language-support';

const PLUGIN_NAMESPACES = ['apoc.', 'apoc_', 'gds.'];

function isBuiltIn(name) {
  return !PLUGIN_NAMESPACES.some((prefix) => name.startsWith(prefix));
}

function builtIns(registries) {
  const out = {};
  for (const [version, registry] of Object.entries(registries ?? {})) {
    out[version] = Object.fromEntries(
      Object.entries(registry).filter(([name]) => isBuiltIn(name)),
    );
  }
  return out;
}

const NEO4J_SCHEMA = {
  functions: builtIns(testData.mockSchema.functions),
  procedures: builtIns(testData.mockSchema.procedures),
  defaultLanguage: 'CYPHER 5',
};

function lint(query) {
  const { diagnostics } = lintCypherQuery(query, NEO4J_SCHEMA);
  return diagnostics.map((d) => ({
    severity: d.severity,
    message: d.message,
    line: d.range.start.line + 1,
    character: d.range.start.character + 1,
    text: query.slice(d.offsets.start, d.offsets.end).slice(0, 120),
  }));
}

function lintAll(items) {
  return items.map(({ name, query }) => ({
    name,
    diagnostics:
      typeof query === 'string' && query.length > 0
        ? lint(query)
        : [{ severity: 1, message: 'empty or missing query', line: 1, character: 1, text: '' }],
  }));
}

function lintInWorker(items) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: items });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`lint worker exited with code ${code}`));
    });
  });
}

async function lintParallel(items) {
  const cpus = typeof os.availableParallelism === 'function'
    ? os.availableParallelism()
    : os.cpus().length;
  const workers = Math.max(1, Math.min(cpus, 4, Math.floor(items.length / 16)));
  if (workers === 1) return lintAll(items);
  const chunks = Array.from({ length: workers }, () => []);
  items.forEach((item, index) => chunks[index % workers].push({ index, item }));
  const results = new Array(items.length);
  await Promise.all(
    chunks.map(async (chunk) => {
      const linted = await lintInWorker(chunk.map(({ item }) => item));
      chunk.forEach(({ index }, position) => {
        results[index] = linted[position];
      });
    }),
  );
  return results;
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

async function main() {
  let items;
  try {
    items = JSON.parse(await readStdin());
    if (!Array.isArray(items)) throw new Error('expected a JSON array');
  } catch (err) {
    process.stderr.write(`lint_cypher: bad input: ${err.message}\n`);
    process.exit(2);
  }
  process.stdout.write(JSON.stringify(await lintParallel(items), null, 1));
}

if (isMainThread) {
  await main();
} else {
  parentPort.postMessage(lintAll(workerData));
}
