/**
 * Starts a real MariaDB replication topology on loopback for the live tests: one `mariadbd` per
 * node, each with its own datadir under a temp dir, ports picked by the OS, replication by GTID.
 * Torn down by PID. Tests that need it go through `liveDescribe`, which skips loudly when
 * `mariadbd` is absent and fails when SUCCESSION_REQUIRE_MARIADB=1 (CI).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, it } from 'vitest';
import mysql from 'mysql2/promise';

const SEARCH_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/local/mysql/bin'];

function findBinary(name: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), ...SEARCH_DIRS]) {
    if (dir !== '' && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

export const MARIADBD = findBinary('mariadbd');
export const INSTALL_DB = findBinary('mariadb-install-db');

/**
 * `describe` for tests that need MariaDB: runs them when the binaries exist; otherwise warns and
 * skips, unless SUCCESSION_REQUIRE_MARIADB=1, where the absence is itself a failing test.
 */
export function liveDescribe(name: string, body: () => void): void {
  if (MARIADBD && INSTALL_DB) {
    describe(name, body);
    return;
  }
  if (process.env.SUCCESSION_REQUIRE_MARIADB === '1') {
    describe(name, () => {
      it('needs mariadbd and mariadb-install-db (SUCCESSION_REQUIRE_MARIADB=1)', () => {
        throw new Error('mariadbd / mariadb-install-db not found on PATH or in /usr/sbin; install mariadb-server');
      });
    });
    return;
  }
  console.warn(`SKIPPED live tests "${name}": mariadbd not found (install mariadb-server, or set SUCCESSION_REQUIRE_MARIADB=1 to make this fail)`);
  describe.skip(name, body);
}

export interface NodeSpec {
  name: string;
  /** Name of the node it replicates from. */
  source?: string;
  semiSyncSource?: boolean;
  semiSyncReplica?: boolean;
  /** MASTER_DELAY in seconds. */
  delay?: number;
  /** Start with read_only=0 even though it is a replica. */
  writable?: boolean;
  /** Replicate from this port instead of the source node's (a host that is down). */
  sourcePort?: number;
  /** Data center written to meta.dc on this node (not replicated). */
  dc?: string;
}

export interface Node {
  name: string;
  port: number;
  serverId: number;
  key: string;
  datadir: string;
  socket: string;
  generalLog: string;
  process: ChildProcess;
}

export interface LiveTopology {
  dir: string;
  nodes: Record<string, Node>;
  /** A root connection over the node's socket (for test set-up and fault injection only). */
  admin(name: string): Promise<mysql.Connection>;
  stop(): Promise<void>;
}

/** Credentials of the least-privileged discovery account created on every node. */
export const DISCOVERY_USER = 'topo';
/** Holds `#` and `;` on purpose: option files and SQL must both carry it intact. */
export const DISCOVERY_PASSWORD = 'Topo#pw;7f3a';

/** A TCP port that is free right now (asked from the OS). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` every 100 ms until it returns a value; fails after `timeoutMs`. */
export async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await sleep(100);
  }
}

/** Starts the nodes, wires replication, writes a few transactions and waits until they apply. */
export async function startTopology(specs: NodeSpec[]): Promise<LiveTopology> {
  if (!MARIADBD || !INSTALL_DB) throw new Error('mariadbd not available');
  const dir = mkdtempSync(join(tmpdir(), 'succession-live-'));
  const nodes: Record<string, Node> = {};
  const admins: mysql.Connection[] = [];
  const topo: LiveTopology = {
    dir,
    nodes,
    async admin(name) {
      const n = nodes[name]!;
      const c = await mysql.createConnection({ socketPath: n.socket, user: 'root' });
      admins.push(c);
      return c;
    },
    async stop() {
      await Promise.all(admins.map((c) => c.end().catch(() => undefined)));
      await Promise.all(Object.values(nodes).map((n) => stopProcess(n.process)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    let id = 0;
    for (const spec of specs) {
      id += 1;
      const datadir = join(dir, spec.name);
      const port = await freePort();
      nodes[spec.name] = {
        name: spec.name,
        port,
        serverId: id,
        key: `127.0.0.1:${port}`,
        datadir,
        socket: join(dir, `${spec.name}.sock`),
        generalLog: join(dir, `${spec.name}.general.log`),
        // why: filled in right below; the record must exist before the process does for teardown.
        process: undefined as unknown as ChildProcess,
      };
    }
    await Promise.all(specs.map((s) => installDb(nodes[s.name]!.datadir, dir)));
    for (const spec of specs) nodes[spec.name]!.process = startServer(nodes[spec.name]!, spec, dir);
    await Promise.all(specs.map((s) => until(`${s.name} to accept connections`, 60_000, async () => {
      const c = await mysql.createConnection({ socketPath: nodes[s.name]!.socket, user: 'root', connectTimeout: 2000 });
      await c.end();
      return true;
    })));
    for (const spec of specs) {
      const c = await topo.admin(spec.name);
      for (const sql of accountSql(spec)) await c.query(sql);
    }
    for (const spec of specs) {
      if (spec.source === undefined && spec.sourcePort === undefined) continue;
      const c = await topo.admin(spec.name);
      const sourcePort = spec.sourcePort ?? nodes[spec.source!]!.port;
      const delay = spec.delay ? `, MASTER_DELAY=${spec.delay}` : '';
      await c.query(
        `CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=${sourcePort}, MASTER_USER='repl', MASTER_PASSWORD='repl', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1${delay}`,
      );
      await c.query('START SLAVE');
    }
    for (const spec of specs) {
      if (spec.source === undefined || spec.sourcePort !== undefined) continue;
      const c = await topo.admin(spec.name);
      await until(`${spec.name} replication threads`, 60_000, async () => {
        const [rows] = await c.query('SHOW SLAVE STATUS');
        const r = (rows as Record<string, unknown>[])[0];
        return r && r.Slave_IO_Running === 'Yes' && r.Slave_SQL_Running === 'Yes' ? true : undefined;
      });
    }
    for (const spec of specs) {
      if (!spec.semiSyncSource) continue;
      const c = await topo.admin(spec.name);
      const expected = specs.filter((s) => s.source === spec.name && s.semiSyncReplica).length;
      await until(`${spec.name} semi-sync clients`, 60_000, async () => {
        const [rows] = await c.query("SHOW GLOBAL STATUS LIKE 'Rpl_semi_sync_master_clients'");
        return Number((rows as { Value: string }[])[0]?.Value) === expected ? true : undefined;
      });
    }
    return topo;
  } catch (e) {
    await topo.stop();
    throw e;
  }
}

/** Writes three transactions on `primary` and waits until each of `replicas` applied them; returns the position. */
export async function writeAndSync(topo: LiveTopology, primary: string, replicas: string[]): Promise<string> {
  const c = await topo.admin(primary);
  await c.query('CREATE DATABASE IF NOT EXISTS app');
  await c.query('CREATE TABLE IF NOT EXISTS app.t (id INT PRIMARY KEY)');
  await c.query('INSERT INTO app.t VALUES (1)');
  const [rows] = await c.query('SELECT @@gtid_binlog_pos AS pos');
  const pos = (rows as { pos: string }[])[0]!.pos;
  for (const name of replicas) {
    const r = await topo.admin(name);
    await until(`${name} to apply ${pos}`, 60_000, async () => {
      const [got] = await r.query('SELECT @@gtid_slave_pos AS pos');
      return (got as { pos: string }[])[0]!.pos === pos ? true : undefined;
    });
  }
  return pos;
}

function accountSql(spec: NodeSpec): string[] {
  const out = [
    'SET SESSION sql_log_bin=0',
    "CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY 'repl'",
    "GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1'",
    `CREATE USER '${DISCOVERY_USER}'@'127.0.0.1' IDENTIFIED BY '${DISCOVERY_PASSWORD}'`,
    // why: the least privileges discovery needs on MariaDB ≥ 10.5 (docs/topology.md).
    `GRANT PROCESS, SLAVE MONITOR, REPLICATION MASTER ADMIN ON *.* TO '${DISCOVERY_USER}'@'127.0.0.1'`,
  ];
  if (spec.dc !== undefined) {
    out.push(
      'CREATE DATABASE meta',
      'CREATE TABLE meta.dc (dc VARCHAR(32) NOT NULL)',
      `INSERT INTO meta.dc VALUES ('${spec.dc}')`,
      `GRANT SELECT ON meta.* TO '${DISCOVERY_USER}'@'127.0.0.1'`,
    );
  }
  return out;
}

async function installDb(datadir: string, dir: string): Promise<void> {
  const tmp = `${datadir}.tmp`;
  mkdirSync(tmp, { recursive: true });
  await new Promise<void>((resolve, reject) => {
    const p = spawn(INSTALL_DB!, [
      '--no-defaults',
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
      '--user=root',
      `--datadir=${datadir}`,
    // why: parallel bootstraps sharing /tmp remove each other's temporary tables.
    ], { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir, env: { ...process.env, TMPDIR: tmp } });
    let err = '';
    p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`mariadb-install-db failed (${code}): ${err}`))));
  });
}

function startServer(node: Node, spec: NodeSpec, dir: string): ChildProcess {
  const args = [
    '--no-defaults',
    '--user=root',
    `--datadir=${node.datadir}`,
    `--tmpdir=${node.datadir}.tmp`,
    `--port=${node.port}`,
    `--socket=${node.socket}`,
    `--pid-file=${join(dir, `${node.name}.pid`)}`,
    `--log-error=${join(dir, `${node.name}.err`)}`,
    '--bind-address=127.0.0.1',
    '--skip-name-resolve',
    `--server-id=${node.serverId}`,
    '--log-bin=mysql-bin',
    '--relay-log=relay-bin',
    '--log-slave-updates',
    '--gtid-strict-mode',
    '--binlog-format=ROW',
    '--report-host=127.0.0.1',
    `--report-port=${node.port}`,
    '--general-log=1',
    `--general-log-file=${node.generalLog}`,
    // why: five servers per test file on a 2-core machine; the defaults would reserve ~1 GB.
    '--innodb-buffer-pool-size=16M',
    '--innodb-log-file-size=8M',
    '--performance-schema=OFF',
    '--skip-slave-start',
  ];
  if ((spec.source !== undefined || spec.sourcePort !== undefined) && !spec.writable) args.push('--read-only=1');
  if (spec.semiSyncSource) args.push('--rpl-semi-sync-master-enabled=ON');
  if (spec.semiSyncReplica) args.push('--rpl-semi-sync-slave-enabled=ON');
  return spawn(MARIADBD!, args, { stdio: 'ignore', cwd: dir });
}

async function stopProcess(p: ChildProcess | undefined): Promise<void> {
  if (!p || p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
  p.kill('SIGTERM');
  const killed = await Promise.race([exited.then(() => true), sleep(20_000).then(() => false)]);
  if (!killed) {
    p.kill('SIGKILL');
    await exited;
  }
}

export interface LoggedQuery {
  thread: number;
  user: string;
  command: string;
  argument: string;
}

/**
 * The commands the general log recorded for connections of `user`: Connect lines tie a thread id
 * to a user; every later line of that thread is attributed to it.
 */
export function loggedCommands(logFile: string, user: string): LoggedQuery[] {
  const text = readFileSync(logFile, 'utf8');
  const users = new Map<number, string>();
  const out: LoggedQuery[] = [];
  let current: LoggedQuery | undefined;
  for (const line of text.split('\n')) {
    // Format: [time]\t<spaces>id Command\tArgument; continuation lines of multi-line queries have no id.
    const m = /^(?:\d{6}\s+\d{1,2}:\d{2}:\d{2})?\s+(\d+)\s+([A-Za-z_ ]+?)\t(.*)$/.exec(line);
    if (!m) {
      if (current) current.argument += `\n${line}`;
      continue;
    }
    const thread = Number(m[1]);
    const command = m[2]!.trim();
    const argument = m[3]!;
    if (command === 'Connect') users.set(thread, argument.split('@')[0]!);
    current = { thread, user: users.get(thread) ?? '', command, argument };
    if (current.user === user) out.push(current);
    else current = undefined;
  }
  return out;
}
