import { checkServerIdentity, TLSSocket } from 'node:tls';
import mysql from 'mysql2/promise';
import { parseHostKey } from '../policy/hostkey.js';
import { interpretGrants } from './privileges.js';
import {
  compareKeys,
  detectFlavor,
  hostKey,
  makeTopology,
  parseVersion,
  versionAtLeast,
  type Flavor,
  type GtidState,
  type Instance,
  type OrchestratorUser,
  type ReplicationFilters,
  type ReplicationState,
  type SemiSyncState,
  type ThreadState,
  type Topology,
  TopologyError,
} from './model.js';

/**
 * Discovery from the servers themselves. Read-only by construction: every statement below is a
 * `SHOW` or a `SELECT`, and a user-supplied data-center query must be a single `SELECT`.
 */

export interface Credentials {
  user: string;
  password?: string;
  tls?: TlsSettings;
}

/** TLS towards the servers: encrypt only, or also verify the certificate (and its host name). */
export interface TlsSettings {
  mode: 'required' | 'verify-ca' | 'verify-identity';
  /** PEM contents, not paths. */
  ca?: string;
  cert?: string;
  key?: string;
}

export interface DiscoverOptions {
  /** `host:port` keys to start from. */
  seeds: string[];
  credentials: Credentials;
  connectTimeoutMs?: number;
  queryTimeoutMs?: number;
  /** Servers read at the same time. */
  concurrency?: number;
  /** A `SELECT` whose first column of the first row is the instance's data center. */
  datacenterQuery?: string;
  /** A regular expression with one capture group, applied to the host name. */
  datacenterPattern?: RegExp;
  /**
   * orchestrator's Detect*Query settings as `succession build` generates them: each server is read
   * as orchestrator reads it (promotion rule, semi-sync priority, data center), or recorded as
   * unable to answer them.
   */
  orchestratorQueries?: OrchestratorQueries;
  /**
   * orchestrator's topology user (its MySQLTopologyCredentialsConfigFile): each server is also
   * logged in to as that user, over the same TLS settings, to read what it may do in a recovery.
   */
  orchestratorCredentials?: { user: string; password: string };
  /** Called as each server has been read (or failed). */
  onProgress?: (event: ProgressEvent) => void;
}

/** The generated Detect queries, each a single `SELECT` of one value. */
export interface OrchestratorQueries {
  promotionRule: string;
  semiSyncPriority: string;
  dataCenter: string;
}

/** What a server answers to orchestrator's Detect queries. */
interface MetaReading {
  promotionRule?: string;
  semiSyncPriority?: number;
  dataCenter?: string;
  error?: string;
}

export interface ProgressEvent {
  key: string;
  ok: boolean;
  done: number;
  known: number;
}

export interface DiscoveryResult {
  topology: Topology;
  /** Partial failures that did not make a server unreachable (a privilege missing, a guessed key). */
  warnings: string[];
}

export const DEFAULTS = { connectTimeoutMs: 5000, queryTimeoutMs: 10000, concurrency: 8 } as const;

/** The only statements discovery sends, besides the optional data-center query. */
export const STATEMENTS = {
  variables:
    "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('version', 'version_comment', 'server_id', 'server_uuid', 'hostname', 'port', 'report_host', " +
    "'read_only', 'super_read_only', 'log_bin', 'log_slave_updates', 'log_replica_updates', 'binlog_format', 'gtid_mode', " +
    "'gtid_executed', 'gtid_current_pos', 'gtid_binlog_pos', 'gtid_slave_pos', 'gtid_domain_id', 'gtid_strict_mode') " +
    "OR Variable_name LIKE 'rpl_semi_sync%'",
  status: "SHOW GLOBAL STATUS LIKE 'Rpl_semi_sync%'",
  replicaStatusNew: 'SHOW REPLICA STATUS',
  replicaStatusOld: 'SHOW SLAVE STATUS',
  /** MariaDB: every named connection of a multi-source replica, not just the default one. */
  replicaStatusMariaDb: 'SHOW ALL SLAVES STATUS',
  replicasNew: 'SHOW REPLICAS',
  replicasOld: 'SHOW SLAVE HOSTS',
  dumpThreads: "SELECT HOST FROM information_schema.PROCESSLIST WHERE COMMAND IN ('Binlog Dump', 'Binlog Dump GTID')",
  /** As orchestrator's user, about itself: needs no privilege. */
  grants: 'SHOW GRANTS',
} as const;

type Row = Record<string, unknown>;

/** What one server returned, before interpretation (kept apart so that it can be tested without a server). */
export interface ServerReading {
  key: string;
  host: string;
  port: number;
  variables: Map<string, string>;
  status: Map<string, string>;
  /** Rows of SHOW REPLICA/SLAVE STATUS; empty on a server that is not a replica. */
  replicaStatus: Row[];
  /** The replica status could not be read (a missing privilege): its source is not known from it. */
  replicaStatusUnknown?: boolean;
  /** Rows of SHOW REPLICAS / SHOW SLAVE HOSTS; undefined when the statement failed. */
  replicaHosts?: Row[];
  /** Client addresses (`ip:port`) of the binlog dump threads; undefined when unreadable. */
  dumpThreads?: string[];
  dataCenter?: string;
  meta?: MetaReading;
  /** orchestrator's user's own SHOW GRANTS rows, or why it could not log in. */
  orchestratorGrants?: { user: string; rows: string[] } | { user: string; error: string };
}

/**
 * Rejects a data-center query that is not one plain `SELECT`: no second statement, no
 * `INTO OUTFILE` / `DUMPFILE` (writes a file on the server), no locking read.
 */
export function checkDatacenterQuery(sql: string): string | undefined {
  const s = sql.trim().replace(/;\s*$/, '');
  if (!/^select\s/i.test(s)) return 'the data-center query must be a SELECT statement';
  if (s.includes(';')) return 'the data-center query must be a single statement';
  if (/\binto\s+(outfile|dumpfile)\b/i.test(s)) return 'the data-center query must not write a file (INTO OUTFILE / DUMPFILE)';
  if (/\bfor\s+(update|share)\b|\block\s+in\s+share\s+mode\b/i.test(s)) return 'the data-center query must not take locks (FOR UPDATE / FOR SHARE)';
  return undefined;
}

/** Walks the replication graph from the seeds, both ways, and returns what it found. */
export async function discover(opts: DiscoverOptions): Promise<DiscoveryResult> {
  const connectTimeout = opts.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs;
  const queryTimeout = opts.queryTimeoutMs ?? DEFAULTS.queryTimeoutMs;
  const limit = Math.max(1, opts.concurrency ?? DEFAULTS.concurrency);
  const warnings: string[] = [];
  const readings = new Map<string, ServerReading>();
  const failures = new Map<string, string>();
  /** Sources known for instances from their source's replica list (for those whose own status is unknown). */
  const reportedSource = new Map<string, string>();
  const seen = new Set<string>();
  const queue: string[] = [];
  const seeds: string[] = [];
  for (const s of opts.seeds) {
    const k = parseHostKey(s, 3306);
    if (!k) throw new TopologyError(`invalid seed "${s}": expected HOST:PORT`);
    if (!seen.has(k.key)) {
      seen.add(k.key);
      queue.push(k.key);
      seeds.push(k.key);
    }
  }
  if (seeds.length === 0) throw new TopologyError('no seed to start discovery from');
  let active = 0;
  let done = 0;
  const enqueue = (key: string): void => {
    if (seen.has(key)) return;
    seen.add(key);
    queue.push(key);
  };

  await new Promise<void>((resolve) => {
    const pump = (): void => {
      while (active < limit && queue.length > 0) {
        const key = queue.shift()!;
        active += 1;
        void readServer(key, opts, connectTimeout, queryTimeout)
          .then((r) => {
            readings.set(key, r.reading);
            // why: privilege and query errors come from the server verbatim; scrub them too.
            warnings.push(...r.warnings.map((w) => scrub(w, opts.credentials.password)));
            for (const n of neighbours(r.reading, warnings)) {
              // why: the smallest key wins when two servers list one replica, whatever the timing.
              const known = reportedSource.get(n.key);
              if (n.replica && (known === undefined || compareKeys(key, known) < 0)) reportedSource.set(n.key, key);
              enqueue(n.key);
            }
          })
          .catch((e: unknown) => {
            failures.set(key, describeError(e, opts.credentials.password, connectTimeout, queryTimeout));
          })
          .finally(() => {
            active -= 1;
            done += 1;
            opts.onProgress?.({ key, ok: readings.has(key), done, known: seen.size });
            if (active === 0 && queue.length === 0) resolve();
            else pump();
          });
      }
    };
    pump();
  });

  const instances = new Map<string, Instance>();
  for (const [key, reading] of readings) {
    const inst = toInstance(reading);
    // why: without its replica status, the replica list of the server it replicates from is the
    // only word on the edge.
    const listedBy = reportedSource.get(key);
    if (reading.replicaStatusUnknown && listedBy !== undefined) inst.source = listedBy;
    instances.set(key, inst);
  }
  for (const [key, error] of failures) {
    const k = parseHostKey(key, 3306)!;
    const inst: Instance = { key, host: k.host, port: k.port, reachable: false, error };
    const src = reportedSource.get(key);
    if (src !== undefined) inst.source = src;
    instances.set(key, inst);
  }
  mergeAliases(instances, readings, seeds, warnings);
  const origin = { kind: 'mysql' as const, detail: `mysql://${opts.seeds.join(',')}` };
  return { topology: makeTopology([...instances.values()], origin, new Date().toISOString().replace(/\.\d+Z$/, 'Z')), warnings: [...new Set(warnings)].sort() };
}

/**
 * The same server reached under two names (a seed by name, a replica's source by address) is
 * one instance: the seed's key wins, else the smallest key; edges are rewritten to it.
 */
function mergeAliases(instances: Map<string, Instance>, readings: Map<string, ServerReading>, seeds: string[], warnings: string[]): void {
  const byIdentity = new Map<string, string[]>();
  for (const [key, r] of readings) {
    const v = r.variables;
    // why: server_id alone may repeat across clusters; with the host name and port it names one server.
    const id = `${v.get('server_uuid') ?? ''}/${v.get('server_id') ?? ''}/${v.get('hostname') ?? ''}/${v.get('port') ?? ''}`;
    byIdentity.set(id, [...(byIdentity.get(id) ?? []), key]);
  }
  const alias = new Map<string, string>();
  for (const keys of byIdentity.values()) {
    if (keys.length < 2) continue;
    const sorted = [...keys].sort(compareKeys);
    const winner = sorted.find((k) => seeds.includes(k)) ?? sorted[0]!;
    for (const k of sorted) {
      if (k === winner) continue;
      alias.set(k, winner);
      instances.delete(k);
      warnings.push(`${k} is the same server as ${winner}; reported once, as ${winner}`);
    }
  }
  if (alias.size === 0) return;
  for (const inst of instances.values()) {
    if (inst.source !== undefined && alias.has(inst.source)) inst.source = alias.get(inst.source);
  }
}


interface Neighbour {
  key: string;
  /** True for a replica of the server read, false for its source. */
  replica: boolean;
}

/** Where to go next: up through the replica status, down through the replica list and the process list. */
export function neighbours(r: ServerReading, warnings: string[]): Neighbour[] {
  const out: Neighbour[] = [];
  // why: every channel's source belongs to the topology, although the model keeps one edge.
  for (const row of r.replicaStatus) {
    const host = str(pick(row, 'Source_Host', 'Master_Host'));
    const port = num(pick(row, 'Source_Port', 'Master_Port'));
    if (host !== '' && port !== undefined && port > 0 && !out.some((o) => o.key === hostKey(host, port))) {
      out.push({ key: hostKey(host, port), replica: false });
    }
  }
  if (r.replicaStatus.length > 1) {
    const names = r.replicaStatus.map((row) => `"${str(pick(row, 'Channel_Name', 'Connection_name'))}"`).join(', ');
    warnings.push(`${r.key} replicates through ${r.replicaStatus.length} channels (${names}); its source is taken from "${str(pick(primaryChannel(r.replicaStatus)!, 'Channel_Name', 'Connection_name'))}"`);
  }
  const reportedHosts: string[] = [];
  for (const h of r.replicaHosts ?? []) {
    const host = str(h.Host);
    const port = num(h.Port);
    if (host === '' || port === undefined || port === 0) continue;
    reportedHosts.push(host.toLowerCase());
    out.push({ key: hostKey(host, port), replica: true });
  }
  // why: a replica without report_host is missing from SHOW SLAVE HOSTS but still has a dump
  // thread; its server port is unknown, so assume the source's own port, as orchestrator does.
  if (r.dumpThreads && r.dumpThreads.length > reportedHosts.length) {
    const counts = new Map<string, number>();
    for (const client of r.dumpThreads) {
      const ip = clientAddress(client);
      if (ip !== undefined) counts.set(ip, (counts.get(ip) ?? 0) + 1);
    }
    for (const [ip, n] of [...counts].sort()) {
      if (n <= reportedHosts.filter((h) => h === ip).length) continue;
      const key = hostKey(ip, r.port);
      if (key === r.key || out.some((o) => o.key === key)) continue;
      warnings.push(`${r.key}: a replica at ${ip} does not report its port (set report_host/report_port); trying ${key}`);
      out.push({ key, replica: true });
    }
  }
  return out;
}

/** `10.0.0.5:51534` → `10.0.0.5`; `[::1]:5000` / `::1:5000` → `::1`. */
function clientAddress(client: string): string | undefined {
  const bracketed = /^\[(.+)\]:\d+$/.exec(client);
  if (bracketed) return bracketed[1]!.toLowerCase();
  const i = client.lastIndexOf(':');
  const host = i < 0 ? client : client.slice(0, i);
  return host === '' || host === 'localhost' ? undefined : host.toLowerCase();
}

/** The default replication channel: the unnamed one (MySQL channel, MariaDB connection), else the first. */
function primaryChannel(rows: Row[]): Row | undefined {
  return rows.find((r) => r.Channel_Name === '' || r.Connection_name === '') ?? rows[0];
}

async function readServer(key: string, opts: DiscoverOptions, connectTimeout: number, queryTimeout: number): Promise<{ reading: ServerReading; warnings: string[] }> {
  const k = parseHostKey(key, 3306)!;
  const warnings: string[] = [];
  const conn = await mysql.createConnection({
    host: k.host,
    port: k.port,
    user: opts.credentials.user,
    password: opts.credentials.password ?? '',
    connectTimeout,
    supportBigNumbers: true,
    multipleStatements: false,
    ...(opts.credentials.tls ? { ssl: sslOptions(opts.credentials.tls) } : {}),
  });
  // why: a connection that dies later must not become an unhandled 'error' event.
  conn.on('error', () => undefined);
  if (opts.credentials.tls?.mode === 'verify-identity') verifyIdentity(conn, k.host);
  const query = async (sql: string): Promise<Row[]> => {
    const [rows] = await conn.query({ sql, timeout: queryTimeout });
    return rows as Row[];
  };
  /** Runs a statement whose failure (a missing privilege) leaves the server readable; a dead connection does not. */
  const optional = async (failure: (message: string) => string, run: () => Promise<void>): Promise<void> => {
    try {
      await run();
    } catch (e) {
      if (isTimeout(e) || (e as { fatal?: boolean }).fatal === true) throw e;
      warnings.push(failure((e as Error).message));
    }
  };
  try {
    const variables = toMap(await query(STATEMENTS.variables));
    const reading: ServerReading = { key, host: k.host, port: k.port, variables, status: new Map(), replicaStatus: [] };
    const version = parseVersion(variables.get('version') ?? '');
    const flavor = detectFlavor(variables.get('version') ?? '', variables.get('version_comment') ?? '');
    const modern = version !== undefined && flavor !== 'mariadb' && versionAtLeast(version, 8, 0, 22);
    reading.status = toMap(await query(STATEMENTS.status));
    const replicaStatus = flavor === 'mariadb' ? STATEMENTS.replicaStatusMariaDb : modern ? STATEMENTS.replicaStatusNew : STATEMENTS.replicaStatusOld;
    let statusRead = false;
    await optional((m) => `${key}: cannot read replica status (${m}); its source is taken from the replica lists`, async () => {
      reading.replicaStatus = await query(replicaStatus);
      statusRead = true;
    });
    if (!statusRead) reading.replicaStatusUnknown = true;
    await optional((m) => `${key}: cannot list replicas (${m})`, async () => {
      reading.replicaHosts = await query(modern ? STATEMENTS.replicasNew : STATEMENTS.replicasOld);
    });
    await optional((m) => `${key}: cannot read the process list (${m})`, async () => {
      reading.dumpThreads = (await query(STATEMENTS.dumpThreads)).map((r) => str(r.HOST ?? r.Host));
    });
    const dcQuery = opts.datacenterQuery;
    if (dcQuery !== undefined) {
      await optional((m) => `${key}: data-center query failed (${m})`, async () => {
        const rows = await query(dcQuery);
        const first = rows[0] ? Object.values(rows[0])[0] : undefined;
        if (first !== undefined && first !== null && String(first) !== '') reading.dataCenter = String(first);
      });
    }
    const q = opts.orchestratorQueries;
    if (q !== undefined) {
      const one = async (sql: string) => {
        const rows = await query(sql);
        const first = rows[0] ? Object.values(rows[0])[0] : undefined;
        return first === undefined || first === null ? '' : String(first);
      };
      try {
        const [rule, priority, dc] = [await one(q.promotionRule), await one(q.semiSyncPriority), await one(q.dataCenter)];
        reading.meta = { promotionRule: rule, semiSyncPriority: Number(priority) || 0, ...(dc !== '' ? { dataCenter: dc } : {}) };
      } catch (e) {
        if (isTimeout(e) || (e as { fatal?: boolean }).fatal === true) throw e;
        reading.meta = { error: scrub((e as Error).message, opts.credentials.password) };
      }
    }
    if (reading.dataCenter === undefined && opts.datacenterPattern) {
      const m = opts.datacenterPattern.exec(k.host);
      if (m?.[1] !== undefined) reading.dataCenter = m[1];
    }
    await closeQuietly(conn);
    if (opts.orchestratorCredentials) reading.orchestratorGrants = await grantsOf(k.host, k.port, opts, connectTimeout, queryTimeout);
    return { reading, warnings };
  } catch (e) {
    // why: after a timeout the server may never read a COM_QUIT; do not wait for it.
    conn.destroy();
    throw e;
  }
}

/**
 * What orchestrator's user may do on each reachable instance of a topology read elsewhere (from
 * orchestrator's API): its own grants, read over a connection of its own per server.
 */
export async function orchestratorUsers(instances: readonly Instance[], login: { user: string; password: string }, timeouts: { connectMs?: number; queryMs?: number } = {}): Promise<Map<string, OrchestratorUser>> {
  const connectTimeout = timeouts.connectMs ?? DEFAULTS.connectTimeoutMs;
  const queryTimeout = timeouts.queryMs ?? DEFAULTS.queryTimeoutMs;
  const opts = { seeds: [], credentials: { user: login.user }, orchestratorCredentials: login } satisfies DiscoverOptions;
  const out = new Map<string, OrchestratorUser>();
  await Promise.all(
    instances
      .filter((i) => i.reachable)
      .map(async (i) => {
        const g = await grantsOf(i.host, i.port, opts, connectTimeout, queryTimeout);
        out.set(i.key, 'error' in g ? { user: g.user, error: g.error } : { user: g.user, ...interpretGrants(i.flavor ?? 'mysql', i.version, g.rows) });
      }),
  );
  return out;
}

/** orchestrator's user's own grants, over a connection of its own; a failed login is recorded, not thrown. */
async function grantsOf(host: string, port: number, opts: DiscoverOptions, connectTimeout: number, queryTimeout: number): Promise<NonNullable<ServerReading['orchestratorGrants']>> {
  const { user, password } = opts.orchestratorCredentials!;
  const tls = opts.credentials.tls;
  let conn: mysql.Connection | undefined;
  try {
    conn = await mysql.createConnection({ host, port, user, password, connectTimeout, multipleStatements: false, ...(tls ? { ssl: sslOptions(tls) } : {}) });
    conn.on('error', () => undefined);
    if (tls?.mode === 'verify-identity') verifyIdentity(conn, host);
    const [rows] = await conn.query({ sql: STATEMENTS.grants, timeout: queryTimeout });
    await closeQuietly(conn);
    return { user, rows: (rows as Row[]).map((r) => str(Object.values(r)[0])) };
  } catch (e) {
    conn?.destroy();
    return { user, error: scrub(describeError(e, password, connectTimeout, queryTimeout), opts.credentials.password) };
  }
}

function sslOptions(tls: TlsSettings): Record<string, unknown> {
  return {
    ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
    ...(tls.cert !== undefined ? { cert: tls.cert } : {}),
    ...(tls.key !== undefined ? { key: tls.key } : {}),
    rejectUnauthorized: tls.mode !== 'required',
    // why: the driver checks the identity against "localhost" when the host is an IP address;
    // verifyIdentity() below checks it against the address actually connected to.
    verifyIdentity: false,
  };
}

/**
 * Checks the server certificate against the host connected to (name or IP address), before any
 * statement is sent; a mismatch fails the connection.
 */
function verifyIdentity(conn: mysql.Connection, host: string): void {
  const stream = (conn as unknown as { connection: { stream: unknown } }).connection.stream;
  const error = stream instanceof TLSSocket ? checkServerIdentity(host, stream.getPeerCertificate()) : new Error('the connection is not encrypted');
  if (error) {
    conn.destroy();
    throw error;
  }
}

async function closeQuietly(conn: mysql.Connection): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const ended = await Promise.race([
    conn.end().then(() => true, () => false),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 1000))),
  ]);
  clearTimeout(timer);
  if (!ended) conn.destroy();
}

function isTimeout(e: unknown): boolean {
  return (e as { code?: string }).code === 'PROTOCOL_SEQUENCE_TIMEOUT';
}

/** A user-facing error message; never contains the password. */
export function describeError(e: unknown, password: string | undefined, connectTimeout: number, queryTimeout: number): string {
  const err = e as { code?: string; errno?: number; message?: string };
  let msg: string;
  switch (err.code) {
    case 'ECONNREFUSED':
      msg = 'connection refused';
      break;
    case 'ETIMEDOUT':
      msg = `no answer within ${connectTimeout} ms (connect timeout)`;
      break;
    case 'PROTOCOL_SEQUENCE_TIMEOUT':
      msg = `a query got no answer within ${queryTimeout} ms (query timeout)`;
      break;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      msg = 'unknown host';
      break;
    case 'ECONNRESET':
    case 'PROTOCOL_CONNECTION_LOST':
      msg = 'connection lost';
      break;
    default:
      msg = err.message ?? String(e);
  }
  return scrub(msg, password);
}

/** Removes every occurrence of the password from a message. */
export function scrub(message: string, password: string | undefined): string {
  if (!password) return message;
  return message.split(password).join('*****');
}

function toMap(rows: Row[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const r of rows) m.set(String(r.Variable_name).toLowerCase(), r.Value === null || r.Value === undefined ? '' : String(r.Value));
  return m;
}

function pick(row: Row, ...names: string[]): unknown {
  for (const n of names) if (n in row) return row[n];
  return undefined;
}

function str(v: unknown): string {
  return v === null || v === undefined ? '' : String(v);
}

function num(v: unknown): number | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function flag(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  return /^(on|1|yes|true)$/i.test(v.trim());
}

/** Interprets what a server returned. Pure: tested on recorded rows of MariaDB and MySQL. */
export function toInstance(r: ServerReading): Instance {
  const v = r.variables;
  const versionText = v.get('version') ?? '';
  const flavor = detectFlavor(versionText, v.get('version_comment') ?? '');
  const inst: Instance = { key: r.key, host: r.host, port: r.port, reachable: true, flavor };
  const version = parseVersion(versionText);
  if (version) inst.version = version;
  const serverId = num(v.get('server_id'));
  if (serverId !== undefined) inst.serverId = serverId;
  const uuid = v.get('server_uuid');
  if (uuid) inst.serverUuid = uuid;
  // why: NULL (never set) reads as '', which orchestrator treats the same way.
  setIf(inst, 'reportHost', v.get('report_host'));
  setIf(inst, 'readOnly', flag(v.get('read_only')));
  setIf(inst, 'superReadOnly', flag(v.get('super_read_only')));
  setIf(inst, 'logBin', flag(v.get('log_bin')));
  setIf(inst, 'logReplicaUpdates', flag(v.get('log_replica_updates') ?? v.get('log_slave_updates')));
  const format = v.get('binlog_format');
  if (format) inst.binlogFormat = format;
  inst.gtid = gtidOf(flavor, v);
  const row = primaryChannel(r.replicaStatus);
  if (row) {
    inst.replication = replicationOf(row);
    if (inst.replication.sourceHost !== '' && inst.replication.sourcePort > 0) {
      inst.source = hostKey(inst.replication.sourceHost, inst.replication.sourcePort);
    }
  }
  const semi = semiSyncOf(v, r.status);
  if (semi) inst.semiSync = semi;
  if (r.dataCenter !== undefined) inst.dataCenter = r.dataCenter;
  if (r.meta?.error !== undefined) inst.metaError = r.meta.error;
  else if (r.meta) {
    setIf(inst, 'promotionRule', r.meta.promotionRule);
    setIf(inst, 'semiSyncPriority', r.meta.semiSyncPriority);
    setIf(inst, 'dataCenter', r.meta.dataCenter);
  }
  const g = r.orchestratorGrants;
  if (g) inst.orchestratorUser = 'error' in g ? { user: g.user, error: g.error } : { user: g.user, ...interpretGrants(flavor, version, g.rows) };
  return inst;
}

function setIf<K extends keyof Instance>(inst: Instance, k: K, value: Instance[K] | undefined): void {
  if (value !== undefined) inst[k] = value;
}

function gtidOf(flavor: Flavor, v: Map<string, string>): GtidState {
  if (flavor === 'mariadb') {
    const g: GtidState = { flavor: 'mariadb', executed: v.get('gtid_current_pos') ?? '' };
    if (v.has('gtid_binlog_pos')) g.binlogPos = v.get('gtid_binlog_pos')!;
    if (v.has('gtid_slave_pos')) g.slavePos = v.get('gtid_slave_pos')!;
    const domain = num(v.get('gtid_domain_id'));
    if (domain !== undefined) g.domainId = domain;
    const strict = flag(v.get('gtid_strict_mode'));
    if (strict !== undefined) g.strictMode = strict;
    return g;
  }
  const g: GtidState = { flavor: 'mysql', executed: (v.get('gtid_executed') ?? '').replace(/\s+/g, '') };
  const mode = v.get('gtid_mode');
  if (mode) g.mode = mode;
  return g;
}

function thread(v: unknown): ThreadState {
  const s = str(v).toLowerCase();
  return s === 'yes' ? 'yes' : s === 'connecting' ? 'connecting' : 'no';
}

function list(v: unknown): string[] {
  return str(v)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function replicationOf(row: Row): ReplicationState {
  const filters: ReplicationFilters = {
    doDb: list(row.Replicate_Do_DB),
    ignoreDb: list(row.Replicate_Ignore_DB),
    doTable: list(row.Replicate_Do_Table),
    ignoreTable: list(row.Replicate_Ignore_Table),
    wildDoTable: list(row.Replicate_Wild_Do_Table),
    wildIgnoreTable: list(row.Replicate_Wild_Ignore_Table),
    doDomainIds: list(row.Replicate_Do_Domain_Ids),
    ignoreDomainIds: list(row.Replicate_Ignore_Domain_Ids),
    ignoreServerIds: list(row.Replicate_Ignore_Server_Ids),
  };
  const autoPosition = pick(row, 'Auto_Position');
  const state: ReplicationState = {
    sourceHost: str(pick(row, 'Source_Host', 'Master_Host')),
    sourcePort: num(pick(row, 'Source_Port', 'Master_Port')) ?? 0,
    ioThread: thread(pick(row, 'Replica_IO_Running', 'Slave_IO_Running')),
    sqlThread: thread(pick(row, 'Replica_SQL_Running', 'Slave_SQL_Running')),
    lastIoErrno: num(row.Last_IO_Errno) ?? 0,
    lastIoError: str(row.Last_IO_Error),
    lastSqlErrno: num(row.Last_SQL_Errno) ?? 0,
    lastSqlError: str(row.Last_SQL_Error),
    lagSeconds: num(pick(row, 'Seconds_Behind_Source', 'Seconds_Behind_Master')) ?? null,
    sqlDelay: num(row.SQL_Delay) ?? 0,
    sqlRemainingDelay: num(row.SQL_Remaining_Delay) ?? null,
    usingGtid: 'Using_Gtid' in row ? str(row.Using_Gtid) : autoPosition !== undefined && num(autoPosition) === 1 ? 'auto' : 'No',
    hasFilters: Object.values(filters).some((l) => l.length > 0),
    filters,
  };
  const appliedFile = str(pick(row, 'Relay_Source_Log_File', 'Relay_Master_Log_File'));
  const appliedPos = num(pick(row, 'Exec_Source_Log_Pos', 'Exec_Master_Log_Pos'));
  if (appliedFile !== '' && appliedPos !== undefined) state.applied = { file: appliedFile, position: appliedPos };
  const sid = num(pick(row, 'Source_Server_Id', 'Master_Server_Id'));
  if (sid !== undefined && sid > 0) state.sourceServerId = sid;
  return state;
}

/**
 * Semi-sync state from variables and status. Each side is read under the name family that the
 * server has (MySQL ≥ 8.0.26 plugins: source/replica; MariaDB and older MySQL: master/slave).
 */
function semiSyncOf(v: Map<string, string>, s: Map<string, string>): SemiSyncState | undefined {
  const src = v.has('rpl_semi_sync_source_enabled') ? 'source' : v.has('rpl_semi_sync_master_enabled') ? 'master' : undefined;
  const rep = v.has('rpl_semi_sync_replica_enabled') ? 'replica' : v.has('rpl_semi_sync_slave_enabled') ? 'slave' : undefined;
  if (src === undefined && rep === undefined) return undefined;
  const names = src === 'source' || (src === undefined && rep === 'replica') ? 'source/replica' : 'master/slave';
  const out: SemiSyncState = {
    names,
    sourceEnabled: src !== undefined && flag(v.get(`rpl_semi_sync_${src}_enabled`)) === true,
    replicaEnabled: rep !== undefined && flag(v.get(`rpl_semi_sync_${rep}_enabled`)) === true,
  };
  if (src !== undefined) {
    const st = s.get(`rpl_semi_sync_${src}_status`);
    if (st !== undefined) out.sourceStatus = flag(st)!;
    const clients = num(s.get(`rpl_semi_sync_${src}_clients`));
    if (clients !== undefined) out.clients = clients;
    const wait = num(v.get(src === 'source' ? 'rpl_semi_sync_source_wait_for_replica_count' : 'rpl_semi_sync_master_wait_for_slave_count'));
    if (wait !== undefined) out.waitForReplicaCount = wait;
    const timeout = num(v.get(`rpl_semi_sync_${src}_timeout`));
    if (timeout !== undefined) out.timeoutMs = timeout;
    const point = v.get(`rpl_semi_sync_${src}_wait_point`);
    if (point) out.waitPoint = point;
  }
  if (rep !== undefined) {
    const st = s.get(`rpl_semi_sync_${rep}_status`);
    if (st !== undefined) out.replicaStatus = flag(st)!;
  }
  return out;
}
