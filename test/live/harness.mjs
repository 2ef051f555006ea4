/**
 * Starts a real MariaDB replication topology on loopback: one `mariadbd` per node, each with its
 * own datadir under a temp dir, ports picked by the OS, replication by GTID, general log on.
 * Torn down by PID. Plain JavaScript so that both the tests (through `topology.ts`, which adds
 * the types and `liveDescribe`) and `bench/discover.mjs` can use it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
const SEARCH_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/local/mysql/bin'];
function findBinary(name) {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), ...SEARCH_DIRS]) {
    if (dir !== '' && existsSync(join(dir, name)))
      return join(dir, name);
  }
  return undefined;
}
export const MARIADBD = findBinary('mariadbd');
export const INSTALL_DB = findBinary('mariadb-install-db');
/** Credentials of the least-privileged discovery account created on every node. */
export const DISCOVERY_USER = 'topo';
/** Test certificates (valid until 2126): a CA, a server certificate for IP 127.0.0.1 it signed, and an unrelated CA. */
export const TLS_FILES = Object.fromEntries(
  ['ca.pem', 'other-ca.pem', 'server-cert.pem', 'server-key.pem'].map((f) => [f, fileURLToPath(new URL(`./fixtures/tls/${f}`, import.meta.url))]),
);
/** Holds `#` and `;` on purpose: option files and SQL must both carry it intact. */
export const DISCOVERY_PASSWORD = 'Topo#pw;7f3a';
/** A TCP port that is free right now (asked from the OS). */
export async function freePort() {
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
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Polls `probe` every 100 ms until it returns a value; fails after `timeoutMs`. */
export async function until(what, timeoutMs, probe) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined)
        return v;
    }
    catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await sleep(100);
  }
}
/** Starts the nodes, wires replication and waits until it runs (and semi-sync replicas are connected). */
export async function startTopology(specs, options = {}) {
  if (!MARIADBD || !INSTALL_DB)
    throw new Error('mariadbd not available');
  const dir = mkdtempSync(join(tmpdir(), 'succession-live-'));
  const nodes = {};
  const admins = [];
  const proxies = [];
  const topo = {
    dir,
    nodes,
    async admin(name) {
      const n = nodes[name];
      const c = await mysql.createConnection({ socketPath: n.socket, user: 'root' });
      admins.push(c);
      return c;
    },
    async stop() {
      await Promise.all(admins.map((c) => c.end().catch(() => undefined)));
      for (const p of proxies) p.close();
      await Promise.all(Object.values(nodes).map((n) => stopProcess(n.process)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    let id = 0;
    for (const spec of specs) {
      id += 1;
      const datadir = join(dir, spec.name);
      const serverPort = await freePort();
      let port = serverPort;
      if (options.latencyMs) {
        const proxy = await delayProxy(serverPort, options.latencyMs);
        proxies.push(proxy);
        port = proxy.port;
      }
      nodes[spec.name] = {
        name: spec.name,
        port,
        serverPort,
        serverId: id,
        key: `127.0.0.1:${port}`,
        datadir,
        socket: join(dir, `${spec.name}.sock`),
        generalLog: join(dir, `${spec.name}.general.log`),
        // why: filled in right below; the record must exist before the process does for teardown.
        process: undefined,
      };
    }
    await Promise.all(specs.map((s) => installDb(nodes[s.name].datadir, dir)));
    await Promise.all(specs.map((s) => startAndWait(nodes[s.name], s, dir, !options.latencyMs)));
    for (const spec of specs) {
      const c = await topo.admin(spec.name);
      for (const sql of accountSql(spec))
        await c.query(sql);
    }
    for (const spec of specs) {
      if (spec.source === undefined && spec.sourcePort === undefined)
        continue;
      const c = await topo.admin(spec.name);
      const sourcePort = spec.sourcePort ?? nodes[spec.source].port;
      const delay = spec.delay ? `, MASTER_DELAY=${spec.delay}` : '';
      await c.query(`CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=${sourcePort}, MASTER_USER='repl', MASTER_PASSWORD='repl', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1${delay}`);
      await c.query('START SLAVE');
    }
    for (const spec of specs) {
      if (spec.source === undefined || spec.sourcePort !== undefined)
        continue;
      const c = await topo.admin(spec.name);
      await until(`${spec.name} replication threads`, 60_000, async () => {
        const [rows] = await c.query('SHOW SLAVE STATUS');
        const r = rows[0];
        return r && r.Slave_IO_Running === 'Yes' && r.Slave_SQL_Running === 'Yes' ? true : undefined;
      });
    }
    for (const spec of specs) {
      if (!spec.semiSyncSource)
        continue;
      const c = await topo.admin(spec.name);
      const expected = specs.filter((s) => s.source === spec.name && s.semiSyncReplica).length;
      await until(`${spec.name} semi-sync clients`, 60_000, async () => {
        const [rows] = await c.query("SHOW GLOBAL STATUS LIKE 'Rpl_semi_sync_master_clients'");
        return Number(rows[0]?.Value) === expected ? true : undefined;
      });
    }
    return topo;
  }
  catch (e) {
    await topo.stop();
    throw e;
  }
}
/**
 * Starts one server and waits until it accepts connections. A server that exits first fails at
 * once with the errors of its log, except that a port taken between asking the OS for it and
 * the server binding it is asked for again (when nothing points at the port yet).
 */
async function startAndWait(node, spec, dir, mayMove) {
  for (let attempt = 1;; attempt++) {
    const proc = startServer(node, spec, dir);
    node.process = proc;
    const deadline = Date.now() + 60_000;
    let last;
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        const errors = errorLines(join(dir, `${node.name}.err`));
        if (mayMove && attempt < 3 && errors.some((l) => /Address already in use/.test(l)))
          break;
        throw new Error(`${node.name}: mariadbd exited at start-up: ${errors.join(' / ')}`);
      }
      try {
        const c = await mysql.createConnection({ socketPath: node.socket, user: 'root', connectTimeout: 2000 });
        await c.end();
        return;
      }
      catch (e) {
        last = e;
      }
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${node.name} to accept connections: ${last?.message ?? ''}`);
      await sleep(100);
    }
    node.serverPort = await freePort();
    node.port = node.serverPort;
    node.key = `127.0.0.1:${node.port}`;
  }
}
/** The error lines of a server's log, without the closing "Aborting", which hides the cause (a taken port, say). */
function errorLines(file) {
  try {
    const lines = readFileSync(file, 'utf8').split('\n').filter((l) => /ERROR/.test(l) && !/\] Aborting\s*$/.test(l));
    return lines.length > 0 ? lines : ['no error logged'];
  }
  catch {
    return ['no error log'];
  }
}
/** Writes three transactions on `primary` and waits until each of `replicas` applied them; returns the position. */
export async function writeAndSync(topo, primary, replicas) {
  const c = await topo.admin(primary);
  await c.query('CREATE DATABASE IF NOT EXISTS app');
  await c.query('CREATE TABLE IF NOT EXISTS app.t (id INT PRIMARY KEY)');
  await c.query('INSERT INTO app.t VALUES (1)');
  const [rows] = await c.query('SELECT @@gtid_binlog_pos AS pos');
  const pos = rows[0].pos;
  for (const name of replicas) {
    const r = await topo.admin(name);
    await until(`${name} to apply ${pos}`, 60_000, async () => {
      const [got] = await r.query('SELECT @@gtid_slave_pos AS pos');
      return got[0].pos === pos ? true : undefined;
    });
  }
  return pos;
}
function accountSql(spec) {
  const out = [
    'SET SESSION sql_log_bin=0',
    "CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY 'repl'",
    "GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1'",
    `CREATE USER '${DISCOVERY_USER}'@'127.0.0.1' IDENTIFIED BY '${DISCOVERY_PASSWORD}'`,
    // why: the least privileges discovery needs on MariaDB ≥ 10.5 (docs/topology.md).
    `GRANT PROCESS, SLAVE MONITOR, REPLICATION MASTER ADMIN ON *.* TO '${DISCOVERY_USER}'@'127.0.0.1'`,
  ];
  if (spec.tls) out.push(`ALTER USER '${DISCOVERY_USER}'@'127.0.0.1' REQUIRE SSL`);
  if (spec.dc !== undefined) {
    out.push('CREATE DATABASE meta', 'CREATE TABLE meta.dc (dc VARCHAR(32) NOT NULL)', `INSERT INTO meta.dc VALUES ('${spec.dc}')`, `GRANT SELECT ON meta.* TO '${DISCOVERY_USER}'@'127.0.0.1'`);
  }
  return out;
}
async function installDb(datadir, dir) {
  const tmp = `${datadir}.tmp`;
  mkdirSync(tmp, { recursive: true });
  await new Promise((resolve, reject) => {
    const p = spawn(INSTALL_DB, [
      '--no-defaults',
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
      '--user=root',
      `--datadir=${datadir}`,
      // why: parallel bootstraps sharing /tmp remove each other's temporary tables.
    ], { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir, env: { ...process.env, TMPDIR: tmp } });
    let err = '';
    p.stderr.on('data', (d) => (err += d.toString()));
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`mariadb-install-db failed (${code}): ${err}`))));
  });
}
function startServer(node, spec, dir) {
  const args = [
    '--no-defaults',
    '--user=root',
    `--datadir=${node.datadir}`,
    `--tmpdir=${node.datadir}.tmp`,
    `--port=${node.serverPort}`,
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
    `--report-port=${node.port}`,
    '--general-log=1',
    `--general-log-file=${node.generalLog}`,
    // why: five servers per test file on a 2-core machine; the defaults would reserve ~1 GB.
    '--innodb-buffer-pool-size=16M',
    '--innodb-log-file-size=8M',
    '--performance-schema=OFF',
    '--skip-slave-start',
  ];
  // why: '' stands for a server that never set report_host, which orchestrator refuses to read.
  const reportHost = spec.reportHost ?? '127.0.0.1';
  if (reportHost !== '')
    args.push(`--report-host=${reportHost}`);
  if ((spec.source !== undefined || spec.sourcePort !== undefined) && !spec.writable)
    args.push('--read-only=1');
  if (spec.semiSyncSource)
    args.push('--rpl-semi-sync-master-enabled=ON');
  if (spec.tls) {
    for (const [option, file] of [['ssl-ca', 'ca.pem'], ['ssl-cert', 'server-cert.pem'], ['ssl-key', 'server-key.pem']]) {
      args.push(`--${option}=${TLS_FILES[file]}`);
    }
  }
  if (spec.semiSyncReplica)
    args.push('--rpl-semi-sync-slave-enabled=ON');
  if (spec.semiSyncTimeoutMs !== undefined)
    args.push(`--rpl-semi-sync-master-timeout=${spec.semiSyncTimeoutMs}`);
  return spawn(MARIADBD, args, { stdio: 'ignore', cwd: dir });
}
/**
 * A TCP relay to `targetPort` that holds every chunk `ms` milliseconds in each direction, so that
 * loopback behaves like a network with a round trip of 2 × `ms`. Same delay for every chunk, so
 * order is kept.
 */
async function delayProxy(targetPort, ms) {
  const sockets = new Set();
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    const relay = (from, to) => {
      from.on('data', (chunk) => setTimeout(() => to.writable && to.write(chunk), ms));
      from.on('end', () => setTimeout(() => to.end(), ms));
      from.on('error', () => to.destroy());
      from.on('close', () => sockets.delete(from));
    };
    relay(client, upstream);
    relay(upstream, client);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: server.address().port,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}
async function stopProcess(p) {
  if (!p || p.exitCode !== null || p.signalCode !== null)
    return;
  const exited = new Promise((resolve) => p.once('exit', () => resolve()));
  p.kill('SIGTERM');
  let timer;
  const killed = await Promise.race([exited.then(() => true), new Promise((r) => (timer = setTimeout(() => r(false), 20_000)))]);
  // why: a pending 20 s timer would keep a bench process alive after its work is done.
  clearTimeout(timer);
  if (!killed) {
    p.kill('SIGKILL');
    await exited;
  }
}
/**
 * The commands the general log recorded for connections of `user`: Connect lines tie a thread id
 * to a user; every later line of that thread is attributed to it.
 */
export function loggedCommands(logFile, user) {
  const text = readFileSync(logFile, 'utf8');
  const users = new Map();
  const out = [];
  let current;
  for (const line of text.split('\n')) {
    // Format: [time]\t<spaces>id Command\tArgument; continuation lines of multi-line queries have no id.
    const m = /^(?:\d{6}\s+\d{1,2}:\d{2}:\d{2})?\s+(\d+)\s+([A-Za-z_ ]+?)\t(.*)$/.exec(line);
    if (!m) {
      if (current)
        current.argument += `\n${line}`;
      continue;
    }
    const thread = Number(m[1]);
    const command = m[2].trim();
    const argument = m[3];
    if (command === 'Connect')
      users.set(thread, argument.split('@')[0]);
    current = { thread, user: users.get(thread) ?? '', command, argument };
    if (current.user === user)
      out.push(current);
    else
      current = undefined;
  }
  return out;
}
