/**
 * `npm run bench:dataset`: loads the data set into a fresh supergraph and prints rows per
 * table and seconds per step (BENCH_SCALE, default 1; DATABASE_URL or embedded Postgres;
 * BENCH_KEEP=1 keeps the database and prints its URL).
 */
import { startTestSupergraph } from '@marketplace/e2e/testing';
import {
  DATASET_PASSWORD,
  DatasetDatabases,
  SUBGRAPH_NAMES,
  analyzeDataset,
  countRows,
  customerEmail,
  loadDataset,
} from './dataset';
import { ensureDatabaseServer } from './harness';

async function main() {
  const scale = Number(process.env.BENCH_SCALE ?? 1);
  const keep = process.env.BENCH_KEEP === '1';
  const database = await ensureDatabaseServer('bench-dataset');
  const passwordHashCost = process.env.PASSWORD_HASH_COST ?? '15';
  const supergraph = await startTestSupergraph({ LOG_LEVEL: 'warn', PASSWORD_HASH_COST: passwordHashCost });
  const dbs = Object.fromEntries(
    SUBGRAPH_NAMES.map((name) => [name, supergraph.subgraphs.get(name)!.deps.db]),
  ) as DatasetDatabases;
  const write = (line: string) => process.stdout.write(`${line}\n`);
  try {
    const report = await loadDataset(dbs, scale, write, { passwordHashCost: Number(passwordHashCost) });
    const analyzeStarted = performance.now();
    await analyzeDataset(dbs);
    const analyzeSeconds = (performance.now() - analyzeStarted) / 1000;
    const counts = await countRows(dbs);
    write('');
    write('| table | rows |');
    write('|---|---|');
    for (const [table, count] of Object.entries(counts)) write(`| ${table} | ${count.toLocaleString('en')} |`);
    write('');
    write('| phase | seconds |');
    write('|---|---|');
    const rank = (name: string) => ['password hash', ...SUBGRAPH_NAMES].findIndex((prefix) => name.startsWith(prefix));
    const phases = report.phases
      .map((phase, index) => ({ ...phase, index }))
      .sort((a, b) => rank(a.name) - rank(b.name) || a.index - b.index);
    for (const phase of phases) write(`| ${phase.name} | ${phase.seconds.toFixed(2)} |`);
    write(`| load (wall, subgraphs in parallel) | ${report.seconds.toFixed(2)} |`);
    write(`| ANALYZE | ${analyzeSeconds.toFixed(2)} |`);
    if (keep) write(`\nkept: ${supergraph.database.url} (log in as ${customerEmail(1)} / ${DATASET_PASSWORD})`);
  } finally {
    if (keep) {
      await supergraph.gateway.close();
      for (const subgraph of [...supergraph.subgraphs.values()].reverse()) await subgraph.close();
    } else {
      await supergraph.close();
    }
    await database.stop();
  }
}

if (require.main === module) {
  void main().then(
    () => process.exit(0),
    (error) => {
      process.stderr.write(`dataset failed: ${error instanceof Error ? error.stack : error}\n`);
      process.exit(1);
    },
  );
}
