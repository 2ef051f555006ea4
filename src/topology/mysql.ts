import { parseHostKey } from '../policy/hostkey.js';
import { isAccessDenied, readAsOrchestrator, readMeta, SHOW_GRANTS, type OrchestratorLogin, type OrchestratorQueries } from './as-orchestrator.js';
import { compareKeys, detectFlavor, makeTopology, parseVersion, versionAtLeast, type Instance, type Topology, TopologyError } from './model.js';
import { closeQuietly, describeError, isFatal, openConnection, scrub, str, type Credentials, type Row } from './mysql-connection.js';
import { toInstance, toMap, type ServerReading } from './mysql-reading.js';
import { keyParts, mergeAliases, neighbours } from './mysql-graph.js';

/**
 * Discovery from the servers themselves. Read-only by construction: every statement below is a
 * `SHOW` or a `SELECT`, and a user-supplied data-center query must be a single `SELECT`.
 */

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
   * logged in to as that user, over the same TLS settings, to read what it may do in a recovery
   * and, as orchestrator does, to run the Detect queries.
   */
  orchestratorCredentials?: OrchestratorLogin;
  /** Called as each server has been read (or failed). */
  onProgress?: (event: ProgressEvent) => void;
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
  grants: SHOW_GRANTS,
} as const;

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
    const k = keyParts(key);
    const inst: Instance = { key, host: k.host, port: k.port, reachable: false, error };
    const src = reportedSource.get(key);
    if (src !== undefined) inst.source = src;
    instances.set(key, inst);
  }
  // why: a server reached through the Unix socket is `localhost` only to this machine; when the others name it otherwise, that name wins.
  const local = (k: string) => opts.credentials.socket !== undefined && k.startsWith('localhost:');
  mergeAliases(instances, readings, seeds.filter((k) => !local(k)), warnings);
  const origin = { kind: 'mysql' as const, detail: `mysql://${opts.seeds.join(',')}` };
  return { topology: makeTopology([...instances.values()], origin, new Date().toISOString().replace(/\.\d+Z$/, 'Z')), warnings: [...new Set(warnings)].sort() };
}

/**
 * The same server reached under two names (a seed by name, a replica's source by address) is
 * one instance: the seed's key wins, else the smallest key; edges are rewritten to it.
 */
async function readServer(key: string, opts: DiscoverOptions, connectTimeout: number, queryTimeout: number): Promise<{ reading: ServerReading; warnings: string[] }> {
  const k = parseHostKey(key, 3306);
  if (!k) throw new Error('not a host name or address');
  const warnings: string[] = [];
  const conn = await openConnection(k.host, k.port, opts.credentials.user, opts.credentials.password, opts.credentials.tls, connectTimeout, opts.credentials.socket);
  const query = async (sql: string): Promise<Row[]> => {
    const [rows] = await conn.query({ sql, timeout: queryTimeout });
    return rows as Row[];
  };
  /** Runs a statement whose failure (a missing privilege) leaves the server readable; a dead connection does not. */
  const optional = async (failure: (message: string) => string, run: () => Promise<void>): Promise<void> => {
    try {
      await run();
    } catch (e) {
      if (isFatal(e)) throw e;
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
    // why: without orchestrator's credentials the discovery user runs the Detect queries; that it may not read the table says nothing of orchestrator.
    if (q !== undefined && !opts.orchestratorCredentials) {
      try {
        reading.meta = await readMeta(query, q);
      } catch (e) {
        if (isFatal(e)) throw e;
        if (isAccessDenied(e)) warnings.push(`${key}: cannot run orchestrator's Detect queries as ${opts.credentials.user} (${(e as Error).message}); grant it SELECT on the meta schema, or give orchestrator's credentials`);
        else reading.meta = { error: scrub((e as Error).message, opts.credentials.password) };
      }
    }
    if (reading.dataCenter === undefined && opts.datacenterPattern) {
      const m = opts.datacenterPattern.exec(k.host);
      if (m?.[1] !== undefined) reading.dataCenter = m[1];
    }
    await closeQuietly(conn);
    if (opts.orchestratorCredentials) {
      const seen = await readAsOrchestrator(k.host, k.port, opts.orchestratorCredentials, opts.credentials.tls, q, { connectMs: connectTimeout, queryMs: queryTimeout }, [opts.credentials.password]);
      reading.orchestratorGrants = seen.grants;
      if (seen.meta) reading.meta = seen.meta;
    }
    return { reading, warnings };
  } catch (e) {
    // why: after a timeout the server may never read a COM_QUIT; do not wait for it.
    conn.destroy();
    throw e;
  }
}

