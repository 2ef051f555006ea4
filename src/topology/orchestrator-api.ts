import { boundedGet, redactSecrets, type HttpAnswer } from './http.js';
import {
  detectFlavor,
  hostKey,
  makeTopology,
  parseVersion,
  TopologyError,
  type Flavor,
  type Instance,
  type ReplicationState,
  type ThreadState,
  type Topology,
} from './model.js';

/**
 * orchestrator's HTTP API as a topology source: `/api/cluster/alias/<alias>` returns the
 * cluster's `[]Instance`, whose field names are the Go struct's (no json tags).
 */

export interface OrchestratorOptions {
  /** API base URLs (`http://orc-1:3000/api`; `/api` is added when missing); with several, the raft leader is used. */
  urls: string[];
  /** Cluster alias. */
  cluster: string;
  timeoutMs?: number;
  /** HTTP basic auth for every URL that does not carry its own `user:password@`. */
  auth?: { user: string; password: string };
}

/** An API base URL without credentials, and the headers that carry them. */
interface Endpoint {
  base: string;
  headers: Record<string, string>;
}

/** The subset of orchestrator's `Instance` JSON this source reads. */
interface OrcInstance {
  Key: { Hostname: string; Port: number };
  ServerID?: number;
  ServerUUID?: string;
  Version?: string;
  VersionComment?: string;
  FlavorName?: string;
  ReadOnly?: boolean;
  Binlog_format?: string;
  LogBinEnabled?: boolean;
  LogSlaveUpdatesEnabled?: boolean;
  LogReplicationUpdatesEnabled?: boolean;
  MasterKey?: { Hostname: string; Port: number };
  ReplicationSQLThreadState?: number;
  ReplicationIOThreadState?: number;
  HasReplicationFilters?: boolean;
  GTIDMode?: string;
  UsingOracleGTID?: boolean;
  UsingMariaDBGTID?: boolean;
  LastSQLError?: string;
  LastIOError?: string;
  SecondsBehindMaster?: NullInt64;
  SQLDelay?: number;
  ExecBinlogCoordinates?: { LogFile: string; LogPos: number };
  ExecutedGtidSet?: string;
  DataCenter?: string;
  SemiSyncAvailable?: boolean;
  SemiSyncPriority?: number;
  SemiSyncMasterEnabled?: boolean;
  SemiSyncReplicaEnabled?: boolean;
  SemiSyncMasterTimeout?: number;
  SemiSyncMasterWaitForReplicaCount?: number;
  SemiSyncMasterStatus?: boolean;
  SemiSyncMasterClients?: number;
  SemiSyncReplicaStatus?: boolean;
  SemiSyncMasterPluginNewVersion?: boolean;
  IsLastCheckValid?: boolean;
  PromotionRule?: string;
  Problems?: string[];
}

/** Go's `sql.NullInt64` as JSON. */
interface NullInt64 {
  Int64: number;
  Valid: boolean;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** orchestrator-client gives each leader check one second (`curl -m 1`). */
const LEADER_CHECK_TIMEOUT_MS = 1000;

/** Reads one cluster from orchestrator, through the raft leader when several URLs are given. */
export async function readOrchestrator(opts: OrchestratorOptions): Promise<Topology> {
  const secrets = opts.urls.flatMap(urlSecrets);
  if (opts.auth) secrets.push(...credentialForms(opts.auth.user, opts.auth.password));
  try {
    return await readCluster(opts);
  } catch (e) {
    // why: one place for every message this source makes, whatever path it took to fail.
    if (e instanceof TopologyError) throw new TopologyError(e.lines.map((l) => redactSecrets(l, secrets)));
    throw new TopologyError(redactSecrets(`orchestrator: ${networkError(e)}`, secrets));
  }
}

/** The credentials in a URL's `user:password@`, in each form a message might show them. */
function urlSecrets(text: string): string[] {
  try {
    const u = new URL(text);
    return u.password === '' && u.username === '' ? [] : credentialForms(decodeURIComponent(u.username), decodeURIComponent(u.password), [u.password]);
  } catch {
    return [];
  }
}

function credentialForms(user: string, password: string, raw: string[] = []): string[] {
  const pair = `${user}:${password}`;
  return [password, encodeURIComponent(password), ...raw, pair, Buffer.from(pair).toString('base64')];
}

async function readCluster(opts: OrchestratorOptions): Promise<Topology> {
  const timeout = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const endpoints = opts.urls.map((u) => endpoint(u, opts.auth));
  const leader = endpoints.length === 1 ? endpoints[0]! : await findLeader(endpoints, Math.min(timeout, LEADER_CHECK_TIMEOUT_MS));
  const url = `${leader.base}/cluster/alias/${encodeURIComponent(opts.cluster)}`;
  const body = await getJson(url, leader.headers, timeout);
  if (!Array.isArray(body)) throw new TopologyError(`orchestrator ${url}: expected a list of instances, got ${describe(body)}`);
  const instances = body.map((item, i) => {
    if (!isInstanceJson(item)) throw new TopologyError(`orchestrator ${url}: item ${i} is not an Instance (no Key.Hostname / Key.Port)`);
    return fromOrchestrator(item);
  });
  if (instances.length === 0) throw new TopologyError(`orchestrator ${url}: cluster alias "${opts.cluster}" has no instances`);
  return makeTopology(instances, { kind: 'orchestrator', detail: url }, new Date().toISOString().replace(/\.\d+Z$/, 'Z'));
}

/**
 * Splits credentials off a URL (`http://user:pw@orc:3000/api`), so that no message ever shows
 * them, and normalises the rest as orchestrator-client does: no trailing slash, `/api` appended
 * when missing.
 */
function endpoint(text: string, auth: OrchestratorOptions['auth']): Endpoint {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TopologyError(`"${redactSecrets(text)}" is not a URL`);
  }
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  const trimmed = url.toString().replace(/\/+$/, '');
  const base = trimmed.endsWith('/api') ? trimmed : `${trimmed}/api`;
  const creds = user !== '' ? { user, password } : auth;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (creds) headers.authorization = `Basic ${Buffer.from(`${creds.user}:${creds.password}`).toString('base64')}`;
  return { base, headers };
}

/**
 * The leader among several orchestrator nodes, as orchestrator-client finds it: the first URL
 * whose `/leader-check` answers HTTP 200 (followers answer 404 "Not leader"); failing that, the
 * first whose `/routed-leader-check` does (a node that can route to the leader).
 */
async function findLeader(endpoints: Endpoint[], timeoutMs: number): Promise<Endpoint> {
  const answers: string[] = [];
  for (const check of ['leader-check', 'routed-leader-check']) {
    for (const e of endpoints) {
      try {
        const res = await boundedGet(`${e.base}/${check}`, e.headers, timeoutMs);
        if (res.status === 200) return e;
        answers.push(`${e.base}/${check}: HTTP ${res.status}`);
      } catch (err) {
        answers.push(err instanceof TopologyError ? err.message : `${e.base}/${check}: ${networkError(err)}`);
      }
    }
  }
  throw new TopologyError(`no orchestrator leader found (${answers.join('; ')})`);
}

async function getJson(url: string, headers: Record<string, string>, timeoutMs: number): Promise<unknown> {
  let res: HttpAnswer;
  try {
    res = await boundedGet(url, headers, timeoutMs);
  } catch (e) {
    if (e instanceof TopologyError) throw new TopologyError(`orchestrator ${e.message}`);
    throw new TopologyError(`orchestrator ${url}: ${networkError(e)}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch (e) {
    const status = res.ok ? '' : ` (HTTP ${res.status})`;
    throw new TopologyError(`orchestrator ${url} returned invalid JSON${status}: ${(e as Error).message}`);
  }
  if (!res.ok) {
    // Errors are an APIResponse: {"Code":"ERROR","Message":"...","Details":...}.
    const message = typeof body === 'object' && body !== null && typeof (body as { Message?: unknown }).Message === 'string' ? (body as { Message: string }).Message : '';
    throw new TopologyError(`orchestrator ${url}: HTTP ${res.status}${message ? `: ${message}` : ''}`);
  }
  return body;
}

function networkError(e: unknown): string {
  const err = e as { name?: string; cause?: { code?: string }; message?: string };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'no answer (timeout)';
  if (err.cause?.code === 'ECONNREFUSED') return 'connection refused';
  if (err.cause?.code === 'ENOTFOUND') return 'unknown host';
  return err.cause?.code ?? err.message ?? String(e);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : typeof v;
}

function isInstanceJson(v: unknown): v is OrcInstance {
  const key = (v as { Key?: { Hostname?: unknown; Port?: unknown } } | null)?.Key;
  return typeof key?.Hostname === 'string' && key.Hostname !== '' && Number.isInteger(key.Port);
}

function thread(state: number | undefined): ThreadState {
  // ReplicationThreadState: -1 none, 0 stopped, 1 running, 2 other (e.g. connecting).
  return state === 1 ? 'yes' : state === 2 ? 'connecting' : 'no';
}

function orcFlavor(i: OrcInstance): Flavor {
  const name = (i.FlavorName ?? '').toLowerCase();
  if (name.includes('mariadb')) return 'mariadb';
  if (name.includes('percona')) return 'percona';
  return detectFlavor(i.Version ?? '', i.VersionComment ?? '');
}

/** Maps one orchestrator `Instance` onto the model. */
export function fromOrchestrator(i: OrcInstance): Instance {
  const key = hostKey(i.Key.Hostname, i.Key.Port);
  const flavor = orcFlavor(i);
  const inst: Instance = { key, host: i.Key.Hostname.toLowerCase(), port: i.Key.Port, reachable: i.IsLastCheckValid !== false, flavor };
  if (!inst.reachable) inst.error = `orchestrator's last check failed${i.Problems?.length ? ` (${i.Problems.join(', ')})` : ''}`;
  const version = parseVersion(i.Version ?? '');
  if (version) inst.version = version;
  if (i.ServerID !== undefined && i.ServerID > 0) inst.serverId = i.ServerID;
  if (i.ServerUUID) inst.serverUuid = i.ServerUUID;
  if (i.ReadOnly !== undefined) inst.readOnly = i.ReadOnly;
  if (i.LogBinEnabled !== undefined) inst.logBin = i.LogBinEnabled;
  const lru = i.LogReplicationUpdatesEnabled ?? i.LogSlaveUpdatesEnabled;
  if (lru !== undefined) inst.logReplicaUpdates = lru;
  if (i.Binlog_format) inst.binlogFormat = i.Binlog_format;
  // why: orchestrator does not report MariaDB's GTID position (ExecutedGtidSet stays empty there); an empty set would read as "applied nothing".
  if (flavor !== 'mariadb') inst.gtid = { flavor: 'mysql', executed: i.ExecutedGtidSet ?? '', ...(i.GTIDMode ? { mode: i.GTIDMode } : {}) };
  else if (i.ExecutedGtidSet) inst.gtid = { flavor: 'mariadb', executed: i.ExecutedGtidSet };
  const master = i.MasterKey;
  if (master && master.Hostname !== '' && master.Port > 0) {
    inst.source = hostKey(master.Hostname, master.Port);
    const r: ReplicationState = {
      sourceHost: master.Hostname,
      sourcePort: master.Port,
      ioThread: thread(i.ReplicationIOThreadState),
      sqlThread: thread(i.ReplicationSQLThreadState),
      lastIoError: i.LastIOError ?? '',
      lastSqlError: i.LastSQLError ?? '',
      lagSeconds: i.SecondsBehindMaster?.Valid ? i.SecondsBehindMaster.Int64 : null,
      sqlDelay: i.SQLDelay ?? 0,
      sqlRemainingDelay: null,
      usingGtid: i.UsingOracleGTID ? 'auto' : i.UsingMariaDBGTID ? 'gtid' : 'No',
      hasFilters: i.HasReplicationFilters === true,
    };
    if (i.ExecBinlogCoordinates?.LogFile) r.applied = { file: i.ExecBinlogCoordinates.LogFile, position: i.ExecBinlogCoordinates.LogPos };
    inst.replication = r;
  }
  if (i.SemiSyncAvailable) {
    inst.semiSync = {
      names: i.SemiSyncMasterPluginNewVersion ? 'source/replica' : 'master/slave',
      sourceEnabled: i.SemiSyncMasterEnabled === true,
      replicaEnabled: i.SemiSyncReplicaEnabled === true,
      ...(i.SemiSyncMasterStatus !== undefined ? { sourceStatus: i.SemiSyncMasterStatus } : {}),
      ...(i.SemiSyncReplicaStatus !== undefined ? { replicaStatus: i.SemiSyncReplicaStatus } : {}),
      ...(i.SemiSyncMasterClients !== undefined ? { clients: i.SemiSyncMasterClients } : {}),
      // why: on MariaDB the variable does not exist and orchestrator reports 0; absent, as from the server.
      ...(i.SemiSyncMasterWaitForReplicaCount !== undefined && flavor !== 'mariadb' ? { waitForReplicaCount: i.SemiSyncMasterWaitForReplicaCount } : {}),
      ...(i.SemiSyncMasterTimeout !== undefined ? { timeoutMs: i.SemiSyncMasterTimeout } : {}),
    };
  }
  if (i.DataCenter) inst.dataCenter = i.DataCenter;
  if (i.PromotionRule) inst.promotionRule = i.PromotionRule;
  if (i.SemiSyncPriority !== undefined) inst.semiSyncPriority = i.SemiSyncPriority;
  return inst;
}
