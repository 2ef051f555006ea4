import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from '../cli/helpers.js';
import { discover } from '../../src/topology/mysql.js';
import { formatSnapshot, parseSnapshot } from '../../src/topology/snapshot.js';
import { replicasOf, roots, writable, type Instance, type Topology } from '../../src/topology/model.js';
import {
  DISCOVERY_PASSWORD,
  DISCOVERY_USER,
  liveDescribe,
  loggedCommands,
  startTopology,
  writeAndSync,
  type LiveTopology,
} from './topology.js';

const creds = { user: DISCOVERY_USER, password: DISCOVERY_PASSWORD };

liveDescribe('discovery of a live MariaDB topology', () => {
  let t: LiveTopology;
  let pos: string;
  let found: Topology;
  let warnings: string[];
  const key = (name: string): string => t.nodes[name]!.key;
  const inst = (name: string): Instance => found.instances.find((i) => i.key === key(name))!;

  beforeAll(async () => {
    t = await startTopology([
      { name: 'db1', semiSyncSource: true, dc: 'dc1' },
      { name: 'db2', source: 'db1', semiSyncReplica: true, dc: 'dc1' },
      { name: 'db3', source: 'db1', dc: 'dc1' },
      { name: 'db4', source: 'db3', dc: 'dc2' },
      { name: 'db5', source: 'db1', delay: 3600, dc: 'dc2' },
    ]);
    pos = await writeAndSync(t, 'db1', ['db2', 'db3', 'db4']);
    // Seeded at the bottom of the tree: the walk must go up to db1 and back down to every branch.
    const r = await discover({ seeds: [key('db4')], credentials: creds, datacenterQuery: 'SELECT dc FROM meta.dc' });
    found = r.topology;
    warnings = r.warnings;
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('finds every server and the edges between them', () => {
    expect(found.unreachable).toEqual([]);
    expect(warnings).toEqual([]);
    expect(found.instances.map((i) => i.key).sort()).toEqual(['db1', 'db2', 'db3', 'db4', 'db5'].map(key).sort());
    expect(roots(found).map((i) => i.key)).toEqual([key('db1')]);
    expect(inst('db1').source).toBeUndefined();
    expect(inst('db2').source).toBe(key('db1'));
    expect(inst('db3').source).toBe(key('db1'));
    expect(inst('db4').source).toBe(key('db3'));
    expect(inst('db5').source).toBe(key('db1'));
    expect(replicasOf(found, key('db1')).map((i) => i.key).sort()).toEqual(['db2', 'db3', 'db5'].map(key).sort());
    expect(inst('db4').replication?.sourceServerId).toBe(t.nodes.db3!.serverId);
  });

  it('reads identity, version and flags as the servers report them', async () => {
    const admin = await t.admin('db3');
    const [rows] = await admin.query('SELECT @@version AS v');
    const version = (rows as { v: string }[])[0]!.v;
    for (const name of ['db1', 'db2', 'db3', 'db4', 'db5']) {
      const i = inst(name);
      expect(i.reachable).toBe(true);
      expect(i.flavor).toBe('mariadb');
      expect(i.version?.text).toBe(version);
      expect(i.version?.major).toBe(Number(version.split('.')[0]));
      expect(i.serverId).toBe(t.nodes[name]!.serverId);
      expect(i.readOnly).toBe(name !== 'db1');
      expect(i.superReadOnly).toBeUndefined();
      expect(i.logBin).toBe(true);
      expect(i.logReplicaUpdates).toBe(true);
      expect(i.binlogFormat).toBe('ROW');
      expect(i.gtid?.flavor).toBe('mariadb');
      expect(i.gtid?.strictMode).toBe(true);
    }
    expect(writable(found).map((i) => i.key)).toEqual([key('db1')]);
    expect(inst('db1').gtid?.executed).toBe(pos);
    expect(inst('db4').gtid?.executed).toBe(pos);
    // The delayed replica received the events but has applied none of them.
    expect(inst('db5').gtid?.executed).toBe('');
  });

  it('reads replication threads, delay and GTID mode', () => {
    for (const name of ['db2', 'db3', 'db4', 'db5']) {
      const r = inst(name).replication!;
      expect(r.ioThread).toBe('yes');
      expect(r.sqlThread).toBe('yes');
      expect(r.usingGtid).toBe('Slave_Pos');
      expect(r.lastIoErrno).toBe(0);
      expect(r.lastSqlErrno).toBe(0);
      expect(r.hasFilters).toBe(false);
      expect(r.filters?.doDb).toEqual([]);
    }
    expect(inst('db5').replication!.sqlDelay).toBe(3600);
    expect(inst('db2').replication!.sqlDelay).toBe(0);
    expect(inst('db1').replication).toBeUndefined();
  });

  it('reads semi-sync state under the master/slave names', () => {
    const p = inst('db1').semiSync!;
    expect(p).toMatchObject({ names: 'master/slave', sourceEnabled: true, sourceStatus: true, clients: 1, replicaEnabled: false });
    // MariaDB has no wait-for-count variable: absent, not guessed.
    expect(p.waitForReplicaCount).toBeUndefined();
    expect(p.waitPoint).toBe('AFTER_COMMIT');
    expect(inst('db2').semiSync).toMatchObject({ sourceEnabled: false, replicaEnabled: true, replicaStatus: true });
    for (const name of ['db3', 'db4', 'db5']) expect(inst(name).semiSync).toMatchObject({ sourceEnabled: false, replicaEnabled: false });
  });

  it('fills the data center from the query, per server', () => {
    expect(['db1', 'db2', 'db3', 'db4', 'db5'].map((n) => inst(n).dataCenter)).toEqual(['dc1', 'dc1', 'dc1', 'dc2', 'dc2']);
  });

  it('finds the same topology with one server at a time and from another seed', async () => {
    const serial = await discover({ seeds: [key('db2')], credentials: creds, concurrency: 1, datacenterQuery: 'SELECT dc FROM meta.dc' });
    const strip = (x: Topology): Topology => ({ ...x, collectedAt: '', instances: x.instances.map((i) => ({ ...i, replication: i.replication && { ...i.replication, lagSeconds: 0, sqlRemainingDelay: null } })) });
    expect(strip(serial.topology).instances).toEqual(strip(found).instances);
  });

  it('reports a server reached under two names once, under the seed name', async () => {
    const port = t.nodes.db1!.port;
    const r = await discover({ seeds: [`localhost:${port}`, key('db2')], credentials: creds });
    const keys = r.topology.instances.map((i) => i.key);
    expect(keys).toContain(`localhost:${port}`);
    expect(keys).not.toContain(key('db1'));
    expect(keys).toHaveLength(5);
    expect(r.topology.instances.find((i) => i.key === key('db2'))!.source).toBe(`localhost:${port}`);
    expect(r.warnings).toEqual([`${key('db1')} is the same server as localhost:${port}; reported once, as localhost:${port}`]);
  });

  it('takes the data center from the host name with --datacenter-pattern', async () => {
    const r = await discover({ seeds: [key('db1')], credentials: creds, datacenterPattern: /^(\d+)\./ });
    expect(r.topology.instances.map((i) => i.dataCenter)).toEqual(['127', '127', '127', '127', '127']);
  });

  it('a data-center query that fails is a warning per server, not a failure', async () => {
    const r = await discover({ seeds: [key('db1')], credentials: creds, datacenterQuery: 'SELECT dc FROM meta.nope' });
    expect(r.topology.unreachable).toEqual([]);
    expect(r.topology.instances.every((i) => i.dataCenter === undefined)).toBe(true);
    expect(r.warnings).toHaveLength(5);
    expect(r.warnings[0]).toMatch(/^127\.0\.0\.1:\d+: data-center query failed \(.*meta\.nope.*\)$/);
  });

  it('without REPLICATION MASTER ADMIN: a warning per server, replicas still found from their own status', async () => {
    for (const name of Object.keys(t.nodes)) {
      const c = await t.admin(name);
      await c.query('SET SESSION sql_log_bin=0');
      await c.query("CREATE USER IF NOT EXISTS 'topo_min'@'127.0.0.1' IDENTIFIED BY 'min-pw'");
      await c.query("GRANT PROCESS, SLAVE MONITOR ON *.* TO 'topo_min'@'127.0.0.1'");
    }
    const r = await discover({ seeds: [key('db2'), key('db4'), key('db5')], credentials: { user: 'topo_min', password: 'min-pw' } });
    expect(r.topology.instances.map((i) => [i.key, i.source ?? null])).toEqual(found.instances.map((i) => [i.key, i.source ?? null]));
    expect(r.warnings).toHaveLength(5);
    for (const w of r.warnings) expect(w).toMatch(/: cannot list replicas \(Access denied; you need \(at least one of\) the REPLICATION MASTER ADMIN privilege\(s\) for this operation\)$/);
  });

  it('without SLAVE MONITOR: the edges come from the sources\' replica lists', async () => {
    for (const name of Object.keys(t.nodes)) {
      const c = await t.admin(name);
      await c.query('SET SESSION sql_log_bin=0');
      await c.query("CREATE USER IF NOT EXISTS 'topo_nomon'@'127.0.0.1' IDENTIFIED BY 'nomon-pw'");
      await c.query("GRANT PROCESS, REPLICATION MASTER ADMIN ON *.* TO 'topo_nomon'@'127.0.0.1'");
    }
    const r = await discover({ seeds: [key('db1')], credentials: { user: 'topo_nomon', password: 'nomon-pw' } });
    expect(r.topology.instances.map((i) => [i.key, i.source ?? null])).toEqual(found.instances.map((i) => [i.key, i.source ?? null]));
    expect(r.topology.instances.every((i) => i.replication === undefined)).toBe(true);
    expect(r.warnings).toHaveLength(5);
    for (const w of r.warnings) expect(w).toMatch(/: cannot read replica status \(Access denied; .*\); its source is taken from the replica lists$/);
  });

  it('writes a snapshot that reads back to the same topology', () => {
    expect(parseSnapshot('snap.json', formatSnapshot(found))).toEqual(found);
  });

  it('issued nothing but SELECT and SHOW statements (general log of every server)', () => {
    let queries = 0;
    for (const node of Object.values(t.nodes)) {
      const logged = loggedCommands(node.generalLog, DISCOVERY_USER);
      expect(logged.length).toBeGreaterThan(0);
      for (const c of logged) {
        expect(['Connect', 'Query', 'Quit']).toContain(c.command);
        if (c.command === 'Query') {
          queries += 1;
          expect(c.argument).toMatch(/^(SELECT|SHOW)\s/);
        }
      }
    }
    expect(queries).toBeGreaterThanOrEqual(5 * 4);
  });

  it('succession discover prints the snapshot, and writes it with -o; the password appears nowhere', () => {
    const env = { MYSQL_USER: DISCOVERY_USER, MYSQL_PWD: DISCOVERY_PASSWORD };
    const r = run(['discover', '--seed', key('db5')], { env });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const snap = parseSnapshot('<stdout>', r.stdout);
    expect(snap.instances.map((i) => [i.key, i.source ?? null])).toEqual(found.instances.map((i) => [i.key, i.source ?? null]));
    expect(r.stdout).not.toContain(DISCOVERY_PASSWORD);
    const dir = mkdtempSync(join(tmpdir(), 'succession-discover-'));
    try {
      const out = join(dir, 'topology.json');
      const w = run(['discover', '--seed', key('db1'), '--seed', key('db3'), '-o', out], { env });
      expect(w.status).toBe(0);
      expect(w.stdout).toBe('');
      const text = readFileSync(out, 'utf8');
      expect(parseSnapshot(out, text).instances).toHaveLength(5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads credentials from --defaults-file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'succession-cnf-'));
    try {
      const cnf = join(dir, 'my.cnf');
      // A quoted password with a comment character, as option files allow.
      writeFileSync(cnf, `[mysql]\nuser = nobody\n\n[client]\nuser = ${DISCOVERY_USER}\npassword = "${DISCOVERY_PASSWORD}"\n`, { mode: 0o600 });
      const r = run(['discover', '--seed', key('db1'), '--defaults-file', cnf], { env: { MYSQL_USER: 'wrong', MYSQL_PWD: 'wrong' } });
      expect(r.status).toBe(0);
      expect(parseSnapshot('<stdout>', r.stdout).unreachable).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
