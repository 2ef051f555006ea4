import { canonicalHost, formatHostKey, parseHostKey } from '../policy/hostkey.js';
import { withoutSecrets } from './redact.js';

/**
 * The live replication topology, whatever it was read from: servers (`mysql`), orchestrator's
 * HTTP API, a ClusterControl export, or a snapshot file. Every source fills the same model; a
 * field a source cannot know stays undefined rather than guessed.
 */

export type Flavor = 'mysql' | 'percona' | 'mariadb';

export interface ServerVersion {
  /** As the server reports it, e.g. `10.11.19-MariaDB-0+deb12u1-log`. */
  text: string;
  major: number;
  minor: number;
  patch: number;
}

/** `yes` / `no` as the server reports them; `connecting` for an IO thread still connecting. */
export type ThreadState = 'yes' | 'no' | 'connecting';

/** Which family of semi-sync variable names the server uses. */
export type SemiSyncNames = 'master/slave' | 'source/replica';

export interface SemiSyncState {
  names: SemiSyncNames;
  sourceEnabled: boolean;
  replicaEnabled: boolean;
  /** `Rpl_semi_sync_*_status`: whether semi-sync is currently active on this side. */
  sourceStatus?: boolean;
  replicaStatus?: boolean;
  /** Number of semi-sync replicas connected to this source. */
  clients?: number;
  /** ACKs a commit waits for; absent where the server has no such variable (MariaDB: always 1). */
  waitForReplicaCount?: number;
  timeoutMs?: number;
  /** `AFTER_SYNC` / `AFTER_COMMIT`. */
  waitPoint?: string;
}

export interface ReplicationFilters {
  doDb: string[];
  ignoreDb: string[];
  doTable: string[];
  ignoreTable: string[];
  wildDoTable: string[];
  wildIgnoreTable: string[];
  /** MariaDB only. */
  doDomainIds: string[];
  ignoreDomainIds: string[];
  ignoreServerIds: string[];
}

/** A position in a binary log. */
export interface BinlogPosition {
  file: string;
  position: number;
}

/** What an instance's replica status says about the stream it applies. */
export interface ReplicationState {
  sourceHost: string;
  sourcePort: number;
  sourceServerId?: number;
  ioThread: ThreadState;
  sqlThread: ThreadState;
  /** Error numbers; absent where the source reports only the message (orchestrator). */
  lastIoErrno?: number;
  lastIoError: string;
  lastSqlErrno?: number;
  lastSqlError: string;
  /** `Seconds_Behind_Master` / `_Source`; null when the server reports NULL (threads stopped). */
  lagSeconds: number | null;
  /** Configured `MASTER_DELAY` / `SOURCE_DELAY` in seconds. */
  sqlDelay: number;
  /**
   * How far the SQL thread got in the source's binary log (`Relay_Master_Log_File` /
   * `Exec_Master_Log_Pos`): what orchestrator ranks replicas of one source by.
   */
  applied?: BinlogPosition;
  /** Seconds left before the waiting event is applied; null unless waiting out a delay. */
  sqlRemainingDelay: number | null;
  /**
   * MariaDB `Using_Gtid` (`No`, `Slave_Pos`, `Current_Pos`); MySQL `Auto_Position` as `auto` / `No`;
   * `gtid` where the source only says that GTIDs are used (orchestrator, ClusterControl).
   */
  usingGtid: string;
  hasFilters: boolean;
  /** The filters themselves, where the source lists them. */
  filters?: ReplicationFilters;
}

export type GtidFlavor = 'mysql' | 'mariadb';

export interface GtidState {
  flavor: GtidFlavor;
  /** MySQL `@@gtid_mode` (`ON`, `OFF`, …); MariaDB has GTIDs always and leaves this out. */
  mode?: string;
  /**
   * MySQL: `@@gtid_executed`, a UUID interval set. MariaDB: `@@gtid_current_pos`, one
   * `domain-server-sequence` position per domain. Empty string when nothing was written.
   */
  executed: string;
  /** MariaDB only: `@@gtid_binlog_pos`, `@@gtid_slave_pos`, `@@gtid_domain_id`, `@@gtid_strict_mode`. */
  binlogPos?: string;
  slavePos?: string;
  domainId?: number;
  strictMode?: boolean;
}

export interface Instance {
  /** Canonical host key (`host:port`, see `policy/hostkey.ts`). */
  key: string;
  host: string;
  port: number;
  /** Whether the instance could be read. An unreachable instance carries `error` and little else. */
  reachable: boolean;
  error?: string;
  flavor?: Flavor;
  version?: ServerVersion;
  serverId?: number;
  /** MySQL `@@server_uuid`. */
  serverUuid?: string;
  /**
   * `@@report_host` as the server itself reports it (empty when unset): the name orchestrator
   * calls it by with `MySQLHostnameResolveMethod: @@report_host`. Read from the server only.
   */
  reportHost?: string;
  readOnly?: boolean;
  /** MySQL ≥ 5.7.8 only. */
  superReadOnly?: boolean;
  logBin?: boolean;
  logReplicaUpdates?: boolean;
  binlogFormat?: string;
  gtid?: GtidState;
  /** Canonical host key of the instance this one replicates from; absent for a top of the tree. */
  source?: string;
  replication?: ReplicationState;
  semiSync?: SemiSyncState;
  dataCenter?: string;
  /**
   * Promotion rule and semi-sync priority as orchestrator reads them: reported by its API, or read
   * by discovery through the generated Detect*Query settings (`--meta-schema`).
   */
  promotionRule?: string;
  semiSyncPriority?: number;
  /** Why those Detect queries fail on this server (e.g. the meta table has not reached it yet). */
  metaError?: string;
  /** What orchestrator's topology user may do on this server (discovery with its credentials). */
  orchestratorUser?: OrchestratorUser;
}

/** The statements of a primary recovery that orchestrator's user may run, grouped by what they change. */
export interface RecoveryCapabilities {
  /** STOP / START SLAVE, CHANGE MASTER TO, RESET SLAVE ALL. */
  replication: boolean;
  /** SET GLOBAL read_only (and super_read_only). */
  readOnly: boolean;
  /** SET GLOBAL rpl_semi_sync_master_enabled. */
  semiSyncSource: boolean;
  /** SET GLOBAL rpl_semi_sync_slave_enabled. */
  semiSyncReplica: boolean;
}

/** orchestrator's topology user on one server: its capabilities, or why it could not log in. */
export interface OrchestratorUser {
  user: string;
  /** The login (or SHOW GRANTS) failed: wrong password, no such user, host not allowed. */
  error?: string;
  may?: RecoveryCapabilities;
  /** The privileges it lacks for them, as the server names them (`REPLICATION SLAVE ADMIN`, `SYSTEM_VARIABLES_ADMIN`). */
  missing?: string[];
}

export type OriginKind = 'mysql' | 'orchestrator' | 'clustercontrol';

/** What a topology was read from. A snapshot keeps the origin of the discovery that wrote it. */
export interface TopologyOrigin {
  kind: OriginKind;
  /** Seeds (`mysql://h:p,h:p`), API URL with cluster alias, or the export file. */
  detail: string;
}

export interface Topology {
  /** Sorted by key. */
  instances: Instance[];
  /** The instances that could not be read, sorted by key (derived from `instances`). */
  unreachable: { key: string; error: string }[];
  /** ISO 8601 time of collection. */
  collectedAt?: string;
  origin: TopologyOrigin;
}

/**
 * Builds a topology from instances: sorts them, removes secrets from every error text a server or
 * engine reported (a failed statement quoted in `Last_SQL_Error` can carry a password), and derives
 * the unreachable list. Every topology source ends here, so nothing downstream sees a secret.
 */
export function makeTopology(instances: Instance[], origin: TopologyOrigin, collectedAt?: string): Topology {
  // why: a snapshot written by hand or by an older succession may spell a key otherwise; policy
  // hosts are matched to instances by canonical key only.
  const canonical = (key: string, port: number) => parseHostKey(key, port)?.key ?? key;
  const sorted = instances
    .map((i) => {
      const c: Instance = { ...withoutSecrets(i), key: canonical(i.key, i.port) };
      if (i.source !== undefined) c.source = canonical(i.source, 3306);
      return c;
    })
    .sort((a, b) => compareKeys(a.key, b.key));
  const unreachable = sorted.filter((i) => !i.reachable).map((i) => ({ key: i.key, error: i.error ?? 'unreachable' }));
  return collectedAt === undefined ? { instances: sorted, unreachable, origin } : { instances: sorted, unreachable, collectedAt, origin };
}

/** Orders host keys by host, then numerically by port. */
export function compareKeys(a: string, b: string): number {
  const pa = parseHostKey(a, 3306);
  const pb = parseHostKey(b, 3306);
  if (!pa || !pb) return a < b ? -1 : a > b ? 1 : 0;
  if (pa.host !== pb.host) return pa.host < pb.host ? -1 : 1;
  return pa.port - pb.port;
}

/** Canonical key of `host` and `port` as a server reports them (policy/hostkey.ts canonicalHost). */
export function hostKey(host: string, port: number): string {
  return formatHostKey(canonicalHost(host) ?? host.toLowerCase(), port);
}

/** Instances that replicate from `key`, sorted by key. */
export function replicasOf(topology: Topology, key: string): Instance[] {
  return topology.instances.filter((i) => i.source === key);
}

/** Instances whose source is absent or outside the topology: the tops of the trees. */
export function roots(topology: Topology): Instance[] {
  const keys = new Set(topology.instances.map((i) => i.key));
  return topology.instances.filter((i) => i.source === undefined || !keys.has(i.source));
}

/** Reachable instances that accept writes (`read_only` off). More than one is a split brain risk. */
export function writable(topology: Topology): Instance[] {
  return topology.instances.filter((i) => i.reachable && i.readOnly === false);
}

/** Parses a version string; tolerates suffixes such as `-MariaDB-0+deb12u1-log` and `-30`. */
export function parseVersion(text: string): ServerVersion | undefined {
  const m = /^(?:5\.5\.5-)?(\d+)\.(\d+)\.(\d+)/.exec(text);
  if (!m) return undefined;
  return { text, major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

/** Flavor from `@@version` and `@@version_comment`. */
export function detectFlavor(version: string, versionComment: string): Flavor {
  if (/mariadb/i.test(version)) return 'mariadb';
  if (/percona/i.test(versionComment) || /percona/i.test(version)) return 'percona';
  return 'mysql';
}

/** `v` is at least `major.minor.patch`. */
export function versionAtLeast(v: ServerVersion, major: number, minor: number, patch: number): boolean {
  if (v.major !== major) return v.major > major;
  if (v.minor !== minor) return v.minor > minor;
  return v.patch >= patch;
}

/**
 * A topology source that cannot be read or is malformed; the message is meant for the user. A
 * message of several problems keeps them as lines, so that each is shown on a line of its own
 * while no value quoted in one can start another.
 */
export class TopologyError extends Error {
  readonly lines: readonly string[];
  constructor(message: string | readonly string[]) {
    const lines = typeof message === 'string' ? [message] : message;
    super(lines.join('\n'));
    this.lines = lines;
  }
}
