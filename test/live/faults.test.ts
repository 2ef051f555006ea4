import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from '../cli/helpers.js';
import { discover } from '../../src/topology/mysql.js';
import { parseSnapshot } from '../../src/topology/snapshot.js';
import { roots, writable, type Instance, type Topology } from '../../src/topology/model.js';
import { DISCOVERY_PASSWORD, DISCOVERY_USER, freePort, liveDescribe, startTopology, until, type LiveTopology } from './topology.js';

const creds = { user: DISCOVERY_USER, password: DISCOVERY_PASSWORD };

liveDescribe('discovery of a broken MariaDB topology', () => {
  let t: LiveTopology;
  let downPort: number;
  let silent: Server;
  let silentPort: number;
  const sockets: Socket[] = [];
  let found: Topology;
  let warnings: string[];
  const key = (name: string): string => t.nodes[name]!.key;
  const inst = (name: string): Instance => found.instances.find((i) => i.key === key(name))!;

  beforeAll(async () => {
    downPort = await freePort();
    silent = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    silentPort = (silent.address() as { port: number }).port;
    t = await startTopology([
      // Co-primaries: each replicates from the other, and both accept writes.
      { name: 'c1', source: 'c2', writable: true },
      { name: 'c2', source: 'c1', writable: true },
      { name: 'io', source: 'c1' },
      { name: 'sql', source: 'c1' },
      { name: 'orphan', sourcePort: downPort },
      { name: 'multi', source: 'c1' },
    ]);
    // A second, named source connection (multi-source), pointing at the host that is down.
    const multi = await t.admin('multi');
    await multi.query(`CHANGE MASTER 'second' TO MASTER_HOST='127.0.0.1', MASTER_PORT=${downPort}, MASTER_USER='repl', MASTER_PASSWORD='repl', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1`);
    const io = await t.admin('io');
    await io.query('STOP SLAVE IO_THREAD');
    // The SQL thread of `sql` fails on a row that exists there only. (A conflicting DDL would
    // not do: MariaDB replicas apply DDL idempotently by default.)
    const c1 = await t.admin('c1');
    await c1.query('CREATE DATABASE app');
    await c1.query('CREATE TABLE app.t (id INT PRIMARY KEY)');
    const sql = await t.admin('sql');
    await until('app.t on "sql"', 30_000, async () => {
      const [rows] = await sql.query("SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'app' AND TABLE_NAME = 't'");
      return Number((rows as { n: number }[])[0]!.n) === 1 ? true : undefined;
    });
    await sql.query('SET SESSION sql_log_bin=0');
    await sql.query('INSERT INTO app.t VALUES (1)');
    await c1.query('INSERT INTO app.t VALUES (1)');
    await until('the SQL thread of "sql" to fail', 30_000, async () => {
      const [rows] = await sql.query('SHOW SLAVE STATUS');
      return (rows as Record<string, unknown>[])[0]!.Slave_SQL_Running === 'No' ? true : undefined;
    });
    const orphan = await t.admin('orphan');
    await until('the IO thread of "orphan" to fail', 30_000, async () => {
      const [rows] = await orphan.query('SHOW SLAVE STATUS');
      return Number((rows as Record<string, unknown>[])[0]!.Last_IO_Errno) !== 0 ? true : undefined;
    });
    const r = await discover({
      seeds: [`127.0.0.1:${silentPort}`, key('orphan'), key('io')],
      credentials: creds,
      connectTimeoutMs: 500,
    });
    found = r.topology;
    warnings = r.warnings;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    silent?.close();
    await t?.stop();
  });

  it('goes on past a host that accepts TCP and never answers', () => {
    const s = found.instances.find((i) => i.port === silentPort)!;
    expect(s.reachable).toBe(false);
    expect(s.error).toMatch(/no answer within 500 ms/);
    expect(['c1', 'c2', 'io', 'sql', 'orphan', 'multi'].every((n) => inst(n).reachable)).toBe(true);
  });

  it('reports a replica whose source is down, and the source as unreachable', () => {
    const down = `127.0.0.1:${downPort}`;
    expect(inst('orphan').source).toBe(down);
    expect(inst('orphan').replication).toMatchObject({ ioThread: 'connecting', sqlThread: 'yes', lastIoErrno: 2003 });
    expect(found.unreachable.map((u) => u.key).sort()).toEqual([down, `127.0.0.1:${silentPort}`].sort());
    expect(found.unreachable.find((u) => u.key === down)!.error).toBe('connection refused');
  });

  it('reads a stopped IO thread and a failed SQL thread with its error', () => {
    expect(inst('io').replication).toMatchObject({ ioThread: 'no', sqlThread: 'yes', lastIoErrno: 0 });
    const sql = inst('sql').replication!;
    expect(sql.ioThread).toBe('yes');
    expect(sql.sqlThread).toBe('no');
    expect(sql.lastSqlErrno).toBe(1062);
    expect(sql.lastSqlError).toMatch(/Duplicate entry '1'/);
  });

  it('terminates on co-primaries and shows both as writable', () => {
    expect(inst('c1').source).toBe(key('c2'));
    expect(inst('c2').source).toBe(key('c1'));
    expect(writable(found).map((i) => i.key).sort()).toEqual([key('c1'), key('c2')].sort());
    // Every reachable instance has a source inside the topology: no root, only a cycle.
    expect(roots(found).filter((i) => i.reachable)).toEqual([]);
  });

  it('a multi-source replica: every source is walked, the default connection is the edge', () => {
    expect(inst('multi').source).toBe(key('c1'));
    expect(warnings).toEqual([`${key('multi')} replicates through 2 channels ("", "second"); its source is taken from ""`]);
  });

  it('wrong password: a clear error, the password never echoed, exit 2', () => {
    const secret = 'Wr0ng#Secret-91';
    const r = run(['discover', '--seed', key('c1')], { env: { MYSQL_USER: DISCOVERY_USER, MYSQL_PWD: secret } });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`cannot read ${key('c1')}: Access denied for user '${DISCOVERY_USER}'`);
    expect(r.stderr).toContain('no server could be read');
    expect(r.stderr + r.stdout).not.toContain(secret);
  });

  it('succession discover exits 0 when some servers could be read, listing the others on stderr', () => {
    const r = run(['discover', '--seed', key('orphan'), '--connect-timeout', '500'], { env: { MYSQL_USER: DISCOVERY_USER, MYSQL_PWD: DISCOVERY_PASSWORD } });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`cannot read 127.0.0.1:${downPort}: connection refused`);
    const snap = parseSnapshot('<stdout>', r.stdout);
    expect(snap.instances.map((i) => [i.key, i.reachable])).toEqual(
      [[key('orphan'), true], [`127.0.0.1:${downPort}`, false]].sort((a, b) => Number(String(a[0]).split(':')[1]) - Number(String(b[0]).split(':')[1])),
    );
  });
});
