import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from '../cli/helpers.js';
import type { SnapshotDocument } from '../../src/topology/snapshot.js';
import { DISCOVERY_PASSWORD, DISCOVERY_USER, liveDescribe, startTopology, until, type LiveTopology } from './topology.js';

// What orchestrator would read, checked on a real MariaDB topology: db1 the primary, db2 and db5
// ordinary replicas, db3 a replica that never set report_host, db4 a replica delayed by an hour.
// The meta SQL of an earlier policy (db5 still neutral) is applied on db1 as docs/build.md says;
// it reaches every replica but db4. Then the policy bars db5, and `check` runs on the servers.

const ENV = { MYSQL_USER: DISCOVERY_USER, MYSQL_PWD: DISCOVERY_PASSWORD };

interface JsonFinding {
  ruleId: string;
  line: number;
  column: number;
  message: string;
  hint?: string;
}

liveDescribe('report_host and the meta table on a live MariaDB topology', () => {
  let t: LiveTopology;
  let dir: string;
  const key = (name: string): string => t.nodes[name]!.key;
  // why: a replica without report_host is missing from its source's SHOW SLAVE HOSTS; only a seed reaches it.
  const src = (): string => `mysql://${key('db1')},${key('db3')}`;

  /** The cluster file; line 6 + n holds db<n+1>. */
  const policy = (db5: string): string =>
    [
      'kind: cluster',
      'name: live',
      `primary: "${key('db1')}"`,
      'orchestrator: { deployment: main }',
      'hosts:',
      `  "${key('db1')}": { dc: dc1 }`,
      `  "${key('db2')}": { dc: dc1, promotion: prefer }`,
      `  "${key('db3')}": { dc: dc1 }`,
      `  "${key('db4')}": { dc: dc1, role: delayed }`,
      `  "${key('db5')}": { dc: dc1, promotion: ${db5} }`,
      '',
    ].join('\n');

  const writeRepo = (name: string, db5: string): string => {
    const repo = join(dir, name);
    mkdirSync(join(repo, 'clusters'), { recursive: true });
    writeFileSync(join(repo, 'fleet.yaml'), 'kind: fleet\norchestrator:\n  deployments:\n    main:\n      raft: { nodes: [orc1, orc2, orc3] }\n');
    writeFileSync(join(repo, 'clusters', 'live.yaml'), policy(db5));
    return repo;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'succession-meta-live-'));
    t = await startTopology([
      { name: 'db1' },
      { name: 'db2', source: 'db1' },
      { name: 'db3', source: 'db1', reportHost: '' },
      { name: 'db4', source: 'db1', delay: 3600 },
      { name: 'db5', source: 'db1' },
    ]);
    for (const name of Object.keys(t.nodes)) {
      const c = await t.admin(name);
      await c.query('SET SESSION sql_log_bin=0');
      // why: discovery runs the Detect queries as orchestrator's topology user would: it may read the table.
      await c.query(`GRANT SELECT ON meta.* TO '${DISCOVERY_USER}'@'127.0.0.1'`);
    }
    const earlier = writeRepo('earlier', 'neutral');
    const build = run(['build', earlier, '--out', join(dir, 'generated'), '--target', 'orchestrator']);
    expect(build.status, build.stderr).toBe(0);
    const primary = await mysql.createConnection({ socketPath: t.nodes.db1!.socket, user: 'root', multipleStatements: true });
    try {
      await primary.query(readFileSync(join(dir, 'generated', 'orchestrator', 'main', 'meta', 'live.sql'), 'utf8'));
    } finally {
      await primary.end();
    }
    for (const name of ['db2', 'db3', 'db5']) {
      const c = await t.admin(name);
      await until(`the meta rows on ${name}`, 30_000, async () => {
        const [rows] = await c.query('SELECT COUNT(*) AS n FROM meta.failover_policy');
        return Number((rows as { n: number }[])[0]!.n) === 5 ? true : undefined;
      });
    }
  });
  afterAll(async () => {
    await t?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('discovery records each server\'s report_host and what the Detect queries answer', () => {
    const r = run(['discover', '--seed', key('db1'), '--seed', key('db3'), '--meta-schema', 'meta'], { env: ENV });
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as SnapshotDocument;
    const at = (name: string) => doc.instances.find((i) => i.key === key(name))!;
    expect(at('db1')).toMatchObject({ reportHost: '127.0.0.1', promotionRule: 'neutral', semiSyncPriority: 0, dataCenter: 'dc1' });
    expect(at('db2')).toMatchObject({ reportHost: '127.0.0.1', promotionRule: 'prefer' });
    // db3 looks for its row under its machine host name: none, so the queries' fallback.
    expect(at('db3')).toMatchObject({ reportHost: '', promotionRule: 'must_not', semiSyncPriority: 0 });
    expect(at('db3').dataCenter).toBeUndefined();
    expect(at('db4').metaError).toContain("doesn't exist");
    expect(at('db4').promotionRule).toBeUndefined();
  });

  it('check reports the empty report_host, the server without the table and the stale row', () => {
    const repo = writeRepo('now', 'must_not');
    const r = run(['check', repo, '--topology', src(), '-f', 'json'], { env: ENV });
    expect(r.status).toBe(1);
    const findings = (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings;
    const at = (rule: string) => findings.filter((f) => f.ruleId === rule).map((f) => `${f.line}:${f.column}`);
    // line 8: db3, line 9: db4, line 10: db5 (their keys under hosts)
    expect(at('live-report-host-mismatch')).toEqual(['8:3']);
    // db3's Detect queries find no row, but orchestrator would not even read db3: the empty
    // report_host is the one finding there, not a missing row or data center.
    expect(at('live-meta-table-mismatch')).toEqual(['9:3', '10:3']);
    expect(at('live-datacenter-mismatch')).toEqual([]);
    const meta = (line: number) => findings.find((f) => f.ruleId === 'live-meta-table-mismatch' && f.line === line)!;
    expect(findings.find((f) => f.ruleId === 'live-report-host-mismatch')!.message).toContain(`has an empty report_host, not "127.0.0.1"`);
    expect(meta(9).message).toContain("doesn't exist");
    expect(meta(9).message).toContain('It reads neutral: only the promotion filter still bars it');
    expect(meta(9).hint).toContain('3600s late');
    expect(meta(10).message).toContain('reads promotion rule neutral and semi-sync priority 0');
    expect(meta(10).message).toContain('where the policy gives must_not');
  });
});
