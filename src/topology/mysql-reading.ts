import { detectFlavor, hostKey, parseVersion, type Flavor, type GtidState, type Instance, type ReplicationFilters, type ReplicationState, type SemiSyncState, type ThreadState } from './model.js';
import { userOf, type GrantsReading, type MetaReading } from './as-orchestrator.js';
import { str, type Row } from './mysql-connection.js';

/** What one server's rows mean: the model's Instance, from rows recorded or read (pure). */

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
  orchestratorGrants?: GrantsReading;
}

/** The default replication channel: the unnamed one (MySQL channel, MariaDB connection), else the first. */
export function primaryChannel(rows: Row[]): Row | undefined {
  return rows.find((r) => r.Channel_Name === '' || r.Connection_name === '') ?? rows[0];
}

export function toMap(rows: Row[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const r of rows) m.set(String(r.Variable_name).toLowerCase(), r.Value === null || r.Value === undefined ? '' : String(r.Value));
  return m;
}

export function pick(row: Row, ...names: string[]): unknown {
  for (const n of names) if (n in row) return row[n];
  return undefined;
}

export function num(v: unknown): number | undefined {
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
  if (r.orchestratorGrants) inst.orchestratorUser = userOf(r.orchestratorGrants, inst);
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
