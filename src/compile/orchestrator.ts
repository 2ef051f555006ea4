import { parseHostKey } from '../policy/hostkey.js';
import { DEFAULTS, HOOK_NAMES, type ClusterPolicy, type FleetPolicy, type HookName, type OrchestratorDeployment, type PromotionLevel } from '../policy/model.js';
import type { OrchestratorQueries } from '../topology/as-orchestrator.js';
import { byCode, printable } from './artifact.js';
import { verdicts } from './exclusions.js';
import { Notes } from './unexpressed.js';

/** The table on every MySQL server that the generated Detect*Query settings read. */
export const META_TABLE = 'failover_policy';

/** orchestrator's hook key for each policy hook event. */
export const ORCHESTRATOR_HOOK_KEYS: Record<HookName, string> = {
  onFailureDetection: 'OnFailureDetectionProcesses',
  preFailover: 'PreFailoverProcesses',
  postFailover: 'PostFailoverProcesses',
  postMasterFailover: 'PostMasterFailoverProcesses',
  postUnsuccessfulFailover: 'PostUnsuccessfulFailoverProcesses',
};

/** One row of the meta table: what orchestrator should learn about one instance. */
export interface MetaRow {
  host: string;
  port: number;
  clusterAlias: string;
  dataCenter: string;
  promotionRule: PromotionLevel;
  semiSyncPriority: number;
}

/**
 * The promotion rule orchestrator should see for each host: `must_not` for every host the policy
 * bars (not whitelisted, blacklisted, a role, outside the home DC, must_not), else its level.
 */
export function metaRows(cluster: ClusterPolicy): MetaRow[] {
  return verdicts(cluster).map((v) => ({
    host: v.host.name,
    port: v.host.port,
    clusterAlias: cluster.name,
    dataCenter: v.host.dc ?? '',
    promotionRule: promotionRule(v),
    semiSyncPriority: v.host.semiSyncPriority,
  }));
}

/** The promotion rule orchestrator is to read for a host: must_not when the policy bars it, else the host's own. */
function promotionRule({ host, reasons }: ReturnType<typeof verdicts>[number]): MetaRow['promotionRule'] {
  return reasons.length > 0 ? 'must_not' : host.promotion;
}

/** A MySQL identifier, backquoted. */
export function sqlIdent(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/**
 * A MySQL string literal that cannot end early under either setting of NO_BACKSLASH_ESCAPES:
 * quotes are doubled (valid in both modes) and backslashes escaped (so a trailing backslash
 * cannot swallow the closing quote in the default mode). Control characters that could cut a
 * line or the statement are escaped too.
 */
export function sqlString(value: string): string {
  const body = value.replace(/[\\'\u0000\n\r\u001a]/g, (c) => {
    switch (c) {
      case '\\':
        return '\\\\';
      case "'":
        return "''";
      case '\u0000':
        return '\\0';
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      default:
        return '\\Z';
    }
  });
  return `'${body}'`;
}

/**
 * The server's own key as the meta table stores it. A server cannot know the name orchestrator
 * calls it by, so it uses `report_host` when set (set it wherever the policy names a host by
 * an address that differs from its `hostname`, e.g. an IP) and `@@hostname` otherwise; the port
 * is `report_port` when set (MariaDB defaults it to 0), else `@@port`.
 */
const SELF = "`host` = COALESCE(NULLIF(@@report_host, ''), @@hostname) AND `port` = COALESCE(NULLIF(@@report_port, 0), @@port)";

/** A Detect*Query reading one column of this server's meta row, with a fallback when it has none. */
function detectQuery(schema: string, column: string, fallback: string): string {
  return `SELECT COALESCE((SELECT ${sqlIdent(column)} FROM ${sqlIdent(schema)}.${sqlIdent(META_TABLE)} WHERE ${SELF}), ${fallback})`;
}

/**
 * The four Detect*Query settings. A server without a row is `must_not` (fail closed: a host the
 * policy does not know is never promoted), async, with no data center or alias.
 */
export function detectQueries(schema: string): Record<string, string> {
  return {
    DetectClusterAliasQuery: detectQuery(schema, 'cluster_alias', "''"),
    DetectDataCenterQuery: detectQuery(schema, 'data_center', "''"),
    DetectPromotionRuleQuery: detectQuery(schema, 'promotion_rule', "'must_not'"),
    DetectSemiSyncEnforcedQuery: detectQuery(schema, 'semi_sync_priority', '0'),
  };
}

/** The Detect queries discovery runs to read each server as orchestrator does. */
export function orchestratorQueries(schema: string): OrchestratorQueries {
  const q = detectQueries(schema);
  return { promotionRule: q.DetectPromotionRuleQuery!, semiSyncPriority: q.DetectSemiSyncEnforcedQuery!, dataCenter: q.DetectDataCenterQuery! };
}

/** A Go regexp matching exactly `text`. */
export function regexpEscape(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

/**
 * An anchored PromotionIgnoreHostnameFilters entry for a host. orchestrator matches it against
 * `InstanceKey.StringCode()`, which is `host:port` without IPv6 brackets.
 */
export function hostFilter(host: string, port: number): string {
  return `^${regexpEscape(`${host}:${port}`)}$`;
}

/** Renders a value as JSON with object keys sorted, two-space indent, trailing newline. */
export function stableJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort(byCode)) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

/** A raft node as addressed by its peers, and the directory its config goes to. */
export interface RaftNode {
  host: string;
  port: number;
  /** `host:port` as RaftNodes lists it (IPv6 in brackets). */
  address: string;
  dir: string;
}

export function raftNodes(dep: OrchestratorDeployment): RaftNode[] {
  return dep.raftNodes.map((written) => {
    const parsed = parseHostKey(written, dep.raftPort);
    const host = parsed?.host ?? written;
    const port = parsed?.port ?? dep.raftPort;
    const safeHost = host.replace(/:/g, '_');
    return { host, port, address: parsed?.key ?? written, dir: port === dep.raftPort ? safeHost : `${safeHost}_${port}` };
  });
}

export function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** One cluster's share of PromotionIgnoreHostnameFilters: its hosts whose meta row says must_not. */
export function barredFilters(rows: readonly MetaRow[]): string[] {
  return rows.filter((r) => r.promotionRule === 'must_not').map((r) => hostFilter(r.host, r.port));
}

/** A cluster's barredFilters, from its meta rows. */
export function clusterBarred(cluster: ClusterPolicy): string[] {
  return barredFilters(metaRows(cluster));
}

/**
 * The policy settings orchestrator holds once per deployment (lint makes the clusters agree); the
 * same in every node's config. `barredOf` gives a cluster's barredFilters where they are known
 * already (the build's shards compute them with its meta rows).
 */
export function deploymentPolicy(dep: OrchestratorDeployment, clusters: readonly ClusterPolicy[], barredOf: (cluster: ClusterPolicy) => readonly string[] = clusterBarred): Record<string, unknown> {
  const first = clusters[0];
  const enforcement = first?.semiSync.enforcement ?? 'off';
  const aliases = clusters.map((c) => `alias=${c.name}`).sort(byCode);
  const config: Record<string, unknown> = {
    ...detectQueries(dep.metaSchema),
    EnforceExactSemiSyncReplicas: enforcement === 'exact',
    RecoverLockedSemiSyncMaster: enforcement === 'recover-locked',
    PreventCrossDataCenterMasterFailover: first?.datacenters.preventCrossDatacenter ?? false,
    RecoveryPeriodBlockSeconds: first?.antiFlapping.recoveryBlockSeconds ?? DEFAULTS.recoveryBlockSeconds,
    ReasonableLockedSemiSyncMasterSeconds: first?.semiSync.lockedMasterSeconds ?? DEFAULTS.lockedMasterSeconds,
    RecoverMasterClusterFilters: aliases,
    // why: without it orchestrator leaves the replicas of a failed intermediate primary stranded.
    RecoverIntermediateMasterClusterFilters: [...aliases],
    PromotionIgnoreHostnameFilters: [...new Set(clusters.flatMap(barredOf))].sort(byCode),
  };
  for (const name of HOOK_NAMES) config[ORCHESTRATOR_HOOK_KEYS[name]] = first?.hooks[name] ?? [];
  return config;
}

/** One node's orchestrator.conf.json as an object; `policy` is the deployment's deploymentPolicy. */
export function nodeConfig(dep: OrchestratorDeployment, node: RaftNode, all: readonly RaftNode[], fleet: FleetPolicy, policy: Record<string, unknown>): Record<string, unknown> {
  const config: Record<string, unknown> = {
    RaftEnabled: true,
    RaftBind: node.address,
    RaftAdvertise: node.address,
    RaftNodes: all.map((n) => n.address),
    RaftDataDir: dep.dataDir,
    DefaultRaftPort: dep.raftPort,
    ListenAddress: `:${dep.httpPort}`,
    HTTPAdvertise: `http://${urlHost(node.host)}:${dep.httpPort}`,
    DefaultInstancePort: fleet.defaultPort,
    InstancePollSeconds: dep.instancePollSeconds,
    // why: orchestrator must call each server by the policy's host key, or the promotion filters
    // match nothing and its API does not line up with the policy; report_host is that name, set
    // on every server (docs/build.md). Replicas are then found by their report_host/report_port.
    MySQLHostnameResolveMethod: '@@report_host',
    DiscoverByShowSlaveHosts: true,
    ...policy,
  };
  if (dep.backend.type === 'sqlite') {
    config.BackendDB = 'sqlite3';
    config.SQLite3DataFile = dep.backend.sqliteFile;
  } else {
    config.BackendDB = 'mysql';
    config.MySQLOrchestratorHost = dep.backend.mysqlHost;
    config.MySQLOrchestratorPort = dep.backend.mysqlPort;
    config.MySQLOrchestratorDatabase = dep.backend.mysqlDatabase;
    if (dep.backend.credentialsFile) config.MySQLOrchestratorCredentialsConfigFile = dep.backend.credentialsFile;
  }
  if (dep.topologyCredentialsFile) config.MySQLTopologyCredentialsConfigFile = dep.topologyCredentialsFile;
  return config;
}

/** Idempotent SQL that creates the meta table and makes one cluster's rows (its metaRows) match the policy. */
export function metaSql(schema: string, cluster: ClusterPolicy, rows: readonly MetaRow[] = metaRows(cluster)): string {
  const table = `${sqlIdent(schema)}.${sqlIdent(META_TABLE)}`;
  const tuple = (r: MetaRow) =>
    `(${[sqlString(r.host), r.port, sqlString(r.clusterAlias), sqlString(r.dataCenter), sqlString(r.promotionRule), r.semiSyncPriority].join(', ')})`;
  return [
    `-- Apply on the primary of cluster ${printable(cluster.name)}; replication carries the rows to every replica.`,
    `CREATE DATABASE IF NOT EXISTS ${sqlIdent(schema)};`,
    `CREATE TABLE IF NOT EXISTS ${table} (`,
    '  `host` VARCHAR(255) NOT NULL,',
    '  `port` SMALLINT UNSIGNED NOT NULL,',
    '  `cluster_alias` VARCHAR(64) NOT NULL,',
    "  `data_center` VARCHAR(64) NOT NULL DEFAULT '',",
    '  `promotion_rule` VARCHAR(16) NOT NULL,',
    '  `semi_sync_priority` INT UNSIGNED NOT NULL DEFAULT 0,',
    '  PRIMARY KEY (`host`, `port`)',
    ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;',
    'START TRANSACTION;',
    `DELETE FROM ${table} WHERE \`cluster_alias\` = ${sqlString(cluster.name)} AND (\`host\`, \`port\`) NOT IN (${rows.map((r) => `(${sqlString(r.host)}, ${r.port})`).join(', ')});`,
    `REPLACE INTO ${table} (\`host\`, \`port\`, \`cluster_alias\`, \`data_center\`, \`promotion_rule\`, \`semi_sync_priority\`) VALUES`,
    `${rows.map((r) => `  ${tuple(r)}`).join(',\n')};`,
    'COMMIT;',
    '',
  ].join('\n');
}

export function noteUnexpressed(cluster: ClusterPolicy, notes: Notes): void {
  notes.setting(
    cluster,
    ['candidates', 'maxLagSeconds'],
    'has no lag limit in seconds for candidates (only FailMasterPromotionOnLagMinutes, which needs a ReplicationLagQuery); maxLagSeconds is not expressed.',
  );
  notes.setting(
    cluster,
    ['semiSync', 'waitForReplicaCount'],
    "reads rpl_semi_sync_master_wait_for_slave_count from the primary and never sets it; waitForReplicaCount must be configured on the servers (`succession check` compares them).",
  );
}

/**
 * The nodes of a deployment by config directory. Different nodes can map to one directory
 * (`[::1]` and `__1`, `orc:10009` and `orc_10009`), where one config would silently replace the
 * other: reported as unsafe (a node listed twice is raft-node-count's).
 */
export function raftDirectories(dep: OrchestratorDeployment, fleet: FleetPolicy, notes: Notes): Map<string, RaftNode> {
  const byDir = new Map<string, RaftNode>();
  raftNodes(dep).forEach((node, i) => {
    const first = byDir.get(node.dir);
    if (first === undefined) byDir.set(node.dir, node);
    else if (first.address !== node.address) {
      notes.unsafe(
        fleet.file,
        [...dep.path, 'raft', 'nodes', i],
        `raft nodes ${first.address} and ${node.address} would both get the directory orchestrator/${dep.name}/${node.dir}/, and one config would overwrite the other.`,
        'Name the nodes so that they differ in more than ":" versus "_".',
      );
    }
  });
  return byDir;
}
