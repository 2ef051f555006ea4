// Discovery figures for `npm run bench` (imported by bench/run.mjs): starts the live-test MariaDB
// topologies on loopback and times `succession discover` as a process, then the discovery walk
// in-process through relays that add a 20 ms round trip, with the default concurrency and with one
// server at a time: the walk should take about as many round trips as the topology is deep, not
// as many as it has servers. Skipped, with a note, when mariadbd is not installed.
import { fileURLToPath } from 'node:url';
import { DISCOVERY_PASSWORD, DISCOVERY_USER, MARIADBD, startTopology, writeAndSync } from '../test/live/harness.mjs';

const MYSQL_JS = fileURLToPath(new URL('../dist/topology/mysql.js', import.meta.url));
const LATENCY_MS = 10;

/** The test topology: primary (semi-sync), semi-sync replica, async replica, its replica, delayed replica. Depth 2. */
const TREE = [
  { name: 'db1', semiSyncSource: true },
  { name: 'db2', source: 'db1', semiSyncReplica: true },
  { name: 'db3', source: 'db1' },
  { name: 'db4', source: 'db3' },
  { name: 'db5', source: 'db1', delay: 3600 },
];

/** A primary with eight replicas: nine servers, depth 1. */
const STAR = [{ name: 's0' }, ...Array.from({ length: 8 }, (_, i) => ({ name: `s${i + 1}`, source: 's0' }))];

export async function benchDiscovery({ cli, measure, median, runs }) {
  if (!MARIADBD) {
    process.stderr.write('  discovery: skipped (mariadbd not installed)\n');
    return [];
  }
  const { discover } = await import(MYSQL_JS);
  const credentials = { user: DISCOVERY_USER, password: DISCOVERY_PASSWORD };
  const row = (name, ms, rssMiB = 0) => {
    process.stderr.write(`  ${name}: ${ms.toFixed(0)} ms\n`);
    return { name, ms, rssMiB };
  };
  const walk = async (seed, count, concurrency) => {
    const samples = [];
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      const { topology } = await discover({ seeds: [seed], credentials, concurrency });
      samples.push(performance.now() - start);
      if (topology.unreachable.length > 0 || topology.instances.length !== count) {
        throw new Error(`bench discovery found ${topology.instances.length} of ${count} servers (${topology.unreachable.map((u) => `${u.key}: ${u.error}`).join(', ')})`);
      }
    }
    return median(samples);
  };
  const rows = [];

  const saved = { user: process.env.MYSQL_USER, pwd: process.env.MYSQL_PWD };
  const tree = await startTopology(TREE);
  try {
    await writeAndSync(tree, 'db1', ['db2', 'db3', 'db4']);
    process.env.MYSQL_USER = DISCOVERY_USER;
    process.env.MYSQL_PWD = DISCOVERY_PASSWORD;
    const samples = Array.from({ length: runs }, () => measure([cli, 'discover', '--seed', tree.nodes.db4.key]));
    rows.push(row('succession discover, 5 MariaDB servers on loopback (process)', median(samples.map((s) => s.ms)), Math.max(...samples.map((s) => s.rssMiB))));
  } finally {
    restore(saved);
    await tree.stop();
  }

  const rtt = `${2 * LATENCY_MS} ms round trip`;
  const slowTree = await startTopology(TREE, { latencyMs: LATENCY_MS });
  try {
    const seed = slowTree.nodes.db4.key;
    rows.push(row(`discovery walk, 5 servers, depth 2, ${rtt}, concurrency 8`, await walk(seed, 5, 8)));
    rows.push(row(`discovery walk, 5 servers, depth 2, ${rtt}, concurrency 1`, await walk(seed, 5, 1)));
  } finally {
    await slowTree.stop();
  }
  const star = await startTopology(STAR, { latencyMs: LATENCY_MS });
  try {
    const seed = star.nodes.s1.key;
    rows.push(row(`discovery walk, 9 servers, depth 1, ${rtt}, concurrency 8`, await walk(seed, 9, 8)));
    rows.push(row(`discovery walk, 9 servers, depth 1, ${rtt}, concurrency 1`, await walk(seed, 9, 1)));
  } finally {
    await star.stop();
  }
  return rows;
}

function restore(saved) {
  if (saved.user === undefined) delete process.env.MYSQL_USER;
  else process.env.MYSQL_USER = saved.user;
  if (saved.pwd === undefined) delete process.env.MYSQL_PWD;
  else process.env.MYSQL_PWD = saved.pwd;
}
