import mysql from 'mysql2/promise';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { metaSql, sqlString } from '../../src/compile/orchestrator.js';
import { compileOrchestrator } from '../../src/compile/orchestrator-files.js';
import type { ClusterPolicy } from '../../src/policy/model.js';
import { liveDescribe, startTopology, until, type LiveTopology } from '../live/topology.js';
import { repoOf } from './helpers.js';
import { lex } from './sql-lexer.js';

// The generated meta SQL and Detect*Query settings against real MariaDB servers: the SQL applies
// on the primary, replicates, and each server's queries return that server's own row.
const HOSTILE = ["it's", 'back\\', "x\\'); DROP TABLE meta.failover_policy; --", 'new\nline', 'nul\u0000byte', '`tick`'];

liveDescribe('generated meta SQL on MariaDB', () => {
  let topo: LiveTopology;
  let cluster: ClusterPolicy;
  let queries: Record<string, string>;

  beforeAll(async () => {
    topo = await startTopology([{ name: 'p' }, { name: 'r1', source: 'p' }, { name: 'r2', source: 'p' }]);
    const [p, r1, r2] = ['p', 'r1', 'r2'].map((n) => topo.nodes[n]!.key);
    const fleet = `kind: fleet\norchestrator:\n  deployments:\n    main: { raft: { nodes: [orc-1, orc-2, orc-3] } }\n`;
    const policy = `kind: cluster
name: live
primary: ${p}
orchestrator: { deployment: main }
datacenters: { home: dc1, preventCrossDatacenter: true }
hosts:
  ${p}: { dc: dc1, semiSyncPriority: 1 }
  ${r1}: { dc: dc1, promotion: prefer, semiSyncPriority: 2 }
  ${r2}: { dc: dc2 }
`;
    const repo = repoOf({ 'fleet.yaml': fleet, 'live.yaml': policy });
    cluster = repo.clusters[0]!;
    const config = JSON.parse(compileOrchestrator(repo).artifacts.find((a) => a.path.endsWith('.json'))!.content) as Record<string, string>;
    queries = Object.fromEntries(Object.entries(config).filter(([k]) => k.startsWith('Detect')));
  }, 180_000);

  afterAll(async () => {
    await topo?.stop();
  });

  async function apply(sql: string, sqlMode?: string): Promise<void> {
    const multi = await mysql.createConnection({ socketPath: topo.nodes.p!.socket, user: 'root', multipleStatements: true });
    try {
      if (sqlMode !== undefined) await multi.query(`SET SESSION sql_mode = '${sqlMode}'`);
      await multi.query(sql);
    } finally {
      await multi.end();
    }
  }

  it('each server reads its own alias, data center, promotion rule and semi-sync priority, on the primary and the replicas', async () => {
    await apply(metaSql('meta', cluster));
    const expected: Record<string, unknown[]> = {
      p: ['live', 'dc1', 'neutral', 1],
      r1: ['live', 'dc1', 'prefer', 2],
      r2: ['live', 'dc2', 'must_not', 0],
    };
    for (const [name, want] of Object.entries(expected)) {
      const c = await topo.admin(name);
      const got = await until(`${name} to have its meta row`, 30_000, async () => {
        const row: unknown[] = [];
        for (const key of ['DetectClusterAliasQuery', 'DetectDataCenterQuery', 'DetectPromotionRuleQuery', 'DetectSemiSyncEnforcedQuery']) {
          const [rows] = await c.query({ sql: queries[key]!, rowsAsArray: true });
          row.push((rows as unknown[][])[0]![0]);
        }
        return row[0] === 'live' ? row : undefined;
      });
      expect(got.map((v) => (typeof v === 'string' && /^[0-9]+$/.test(v) ? Number(v) : v))).toEqual(want);
    }
  });

  it('is idempotent and removes hosts that left the policy', async () => {
    const smaller: ClusterPolicy = { ...cluster, hosts: cluster.hosts.filter((h) => h.key !== topo.nodes.r2!.key) };
    await apply(metaSql('meta', cluster));
    await apply(metaSql('meta', smaller));
    const c = await topo.admin('p');
    const [rows] = await c.query("SELECT COUNT(*) AS n FROM meta.failover_policy WHERE cluster_alias = 'live'");
    expect(Number((rows as { n: number }[])[0]!.n)).toBe(2);
    const r2 = await topo.admin('r2');
    expect(await until('r2 to lose its row', 30_000, async () => {
      const [again] = await r2.query({ sql: queries.DetectPromotionRuleQuery!, rowsAsArray: true });
      return (again as unknown[][])[0]![0] === 'must_not' ? 'must_not' : undefined;
    })).toBe('must_not');
  });

  for (const mode of ['', 'NO_BACKSLASH_ESCAPES']) {
    it(`stores hostile values byte for byte and runs no injected statement (sql_mode '${mode}')`, async () => {
      const c = await topo.admin('p');
      for (const value of HOSTILE) {
        const hostile: ClusterPolicy = { ...cluster, name: value, hosts: cluster.hosts.map((h) => ({ ...h, dc: value })) };
        await apply(metaSql('meta', hostile), mode);
        // why: the server and the test lexer must agree on what each literal means in this mode.
        const meant = lex(`SELECT ${sqlString(value)}`, mode !== '').literals[0]![0]!;
        if (mode === '') expect(meant).toBe(value);
        const [rows] = await c.query('SELECT cluster_alias, data_center FROM meta.failover_policy WHERE host = ?', ['127.0.0.1']);
        const stored = rows as { cluster_alias: string; data_center: string }[];
        expect(stored).toHaveLength(3);
        for (const r of stored) expect([r.cluster_alias, r.data_center]).toEqual([meant, meant]);
      }
      const [tables] = await c.query("SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = 'meta' AND table_name = 'failover_policy'");
      expect(Number((tables as { n: number }[])[0]!.n)).toBe(1);
    });
  }
});
