import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from '../cli/helpers.js';
import { DISCOVERY_PASSWORD, DISCOVERY_USER, freePort, liveDescribe, startTopology, until, type LiveTopology } from './topology.js';

// Replication shapes built for real on MariaDB, checked with the built binary: co-primaries
// (CHANGE MASTER both ways), a candidate pointed at a closed port (IO thread connecting), and
// replicas that are no candidates with a failed SQL thread (a duplicate key; a CREATE USER whose
// password the error quotes). One set of servers serves every case.

const ENV = { MYSQL_USER: DISCOVERY_USER, MYSQL_PWD: DISCOVERY_PASSWORD };
const USER_SECRET = 'Qx7-never-print-me';

interface JsonFinding {
  ruleId: string;
  severity: string;
  file: string;
  line: number;
  message: string;
}

liveDescribe('check on real replication shapes', () => {
  let t: LiveTopology;
  let dir: string;
  let downPort: number;
  const key = (name: string): string => t.nodes[name]!.key;

  /** SHOW SLAVE STATUS of `name` satisfies `test`. */
  const waitStatus = (name: string, what: string, test: (row: Record<string, unknown>) => boolean) =>
    until(`${what} on "${name}"`, 30_000, async () => {
      const [rows] = await (await t.admin(name)).query('SHOW SLAVE STATUS');
      const row = (rows as Record<string, unknown>[])[0];
      return row && test(row) ? true : undefined;
    });

  const check = (file: string, seeds: string[]): { status: number | null; stdout: string; stderr: string; findings: JsonFinding[] } => {
    const r = run(['check', file, '--topology', `mysql://${seeds.map(key).join(',')}`, '--format', 'json'], { env: ENV });
    return { ...r, findings: r.stdout === '' ? [] : (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings };
  };

  const lineOf = (text: string, name: string): number => text.split('\n').findIndex((l) => l.includes(`${key(name)}:`)) + 1;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'succession-shapes-'));
    downPort = await freePort();
    t = await startTopology([
      { name: 'c1', source: 'c2', writable: true },
      { name: 'c2', source: 'c1', writable: true },
      { name: 'p1' },
      { name: 'p2', source: 'p1' },
      { name: 'lost', sourcePort: downPort },
      { name: 'dup', source: 'p1' },
      { name: 'usr', source: 'p1' },
    ]);
    const p1 = await t.admin('p1');
    await p1.query('CREATE DATABASE app');
    await p1.query('CREATE TABLE app.t (id INT PRIMARY KEY)');
    await until('app.t on "dup"', 30_000, async () => {
      const [rows] = await (await t.admin('dup')).query("SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'app' AND TABLE_NAME = 't'");
      return Number((rows as { n: number }[])[0]!.n) === 1 ? true : undefined;
    });
    const dup = await t.admin('dup');
    await dup.query('SET SESSION sql_log_bin=0');
    await dup.query('INSERT INTO app.t VALUES (7)');
    const usr = await t.admin('usr');
    await usr.query('SET SESSION sql_log_bin=0');
    await usr.query("CREATE USER 'app'@'%' IDENTIFIED BY 'other'");
    await p1.query('INSERT INTO app.t VALUES (7)');
    await p1.query(`CREATE USER 'app'@'%' IDENTIFIED BY '${USER_SECRET}'`);
    await waitStatus('dup', 'the SQL thread to fail', (r) => r.Slave_SQL_Running === 'No');
    await waitStatus('usr', 'the SQL thread to fail', (r) => r.Slave_SQL_Running === 'No');
    await waitStatus('lost', 'the IO thread to fail connecting', (r) => r.Slave_IO_Running === 'Connecting' && Number(r.Last_IO_Errno) !== 0);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('two writable co-primaries: live-replication-cycle errors on both, exit 1', () => {
    const text = ['kind: cluster', 'name: ring', `primary: ${key('c1')}`, 'hosts:', `  ${key('c1')}: { dc: dc1 }`, `  ${key('c2')}: { dc: dc1 }`, ''].join('\n');
    const file = join(dir, 'ring.yaml');
    writeFileSync(file, text);
    const r = check(file, ['c1']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    const ring = r.findings.filter((f) => f.ruleId === 'live-replication-cycle');
    expect(ring.map((f) => [f.line, f.severity])).toEqual([[lineOf(text, 'c1'), 'error'], [lineOf(text, 'c2'), 'error']]);
    expect(ring[0]!.message).toContain(`${[key('c1'), key('c2')].sort().join(', ')} are all writable`);
    const sim = run(['simulate', 'ring', '--policies', file, '--topology', `mysql://${key('c1')}`, '--each-single-failure'], { env: ENV });
    expect(sim.stderr).toBe('');
    expect(sim.status).toBe(0);
    expect(sim.stdout).toContain('worst case');
  });

  it('the tree: a candidate connecting to a closed port, and two broken replicas that are no candidates, each reported as what it is', () => {
    const text = [
      'kind: cluster',
      'name: tree',
      `primary: ${key('p1')}`,
      'hosts:',
      `  ${key('p1')}: { dc: dc1 }`,
      `  ${key('p2')}: { dc: dc1, promotion: prefer }`,
      `  ${key('lost')}: { dc: dc1 }`,
      `  ${key('dup')}: { dc: dc1, role: reporting }`,
      `  ${key('usr')}: { dc: dc1, role: backup }`,
      '',
    ].join('\n');
    const file = join(dir, 'tree.yaml');
    writeFileSync(file, text);
    const r = check(file, ['p1', 'lost']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    const at = (rule: string) => r.findings.filter((f) => f.ruleId === rule);

    const [lost] = at('live-replica-source-unreachable');
    expect(lost).toMatchObject({ line: lineOf(text, 'lost'), severity: 'error' });
    expect(lost!.message).toContain(`its IO thread is still connecting to 127.0.0.1:${downPort}; last IO error: error 2003`);
    expect(lost!.message).toContain(`succession could not read 127.0.0.1:${downPort} either (connection refused)`);
    expect(at('live-replica-source-unreachable')).toHaveLength(1);
    expect(at('live-candidate-replication-broken')).toEqual([]);

    const broken = at('live-replica-replication-broken');
    expect(broken.map((f) => [f.line, f.severity])).toEqual([[lineOf(text, 'dup'), 'warning'], [lineOf(text, 'usr'), 'warning']]);
    expect(broken[0]!.message).toMatch(/SQL thread stopped; SQL error 1062: .*Duplicate entry '7'/);
    expect(broken[1]!.message).toMatch(/SQL thread stopped; SQL error 1396: .*CREATE USER/);
    expect(broken[1]!.message).toContain("IDENTIFIED BY '*****'");
    expect(r.stdout).not.toContain(USER_SECRET);
    expect(r.stdout).not.toContain(DISCOVERY_PASSWORD);
  });

  it('discover: the snapshot quotes the failed CREATE USER without its password', () => {
    const r = run(['discover', '--seed', key('usr')], { env: ENV });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("IDENTIFIED BY '*****'");
    expect(r.stdout + r.stderr).not.toContain(USER_SECRET);
  });
});
