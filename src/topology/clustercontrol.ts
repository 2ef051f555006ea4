import {
  detectFlavor,
  hostKey,
  makeTopology,
  parseVersion,
  TopologyError,
  versionAtLeast,
  type Instance,
  type ThreadState,
  type Topology,
} from './model.js';

/**
 * A ClusterControl export as a topology source: the reply of the RPC v2 `getClusterInfo` /
 * `getAllClusterInfo` operations (`{"cluster": {...}}`, `{"clusters": [...]}`), or the JSON of
 * `s9s node --list --print-json` (`{"hosts": [...]}`). cmon writes numbers and flags as strings
 * in places (`"master_port": "3306"`, `"readonly": "ON"`); both forms are read.
 */

type Json = Record<string, unknown>;

export interface ClusterControlOptions {
  /** Cluster name or id, needed when the export holds several clusters. */
  cluster?: string;
}

/** Host classes that are database servers (the controller and proxies are not). */
const DB_HOST_CLASSES = /^Cmon(MySql|Galera|GroupRepl)Host$/;

/** Maps a parsed ClusterControl export; `origin` names the file it came from. */
export function fromClusterControl(data: unknown, origin: string, opts: ClusterControlOptions = {}): Topology {
  const { hosts, vendor, name } = selectCluster(data, origin, opts);
  const instances: Instance[] = [];
  for (const h of hosts) {
    if (!isObject(h)) continue;
    const cls = str(h.class_name);
    const nodetype = str(h.nodetype);
    if (cls !== '' ? !DB_HOST_CLASSES.test(cls) : nodetype === 'controller') continue;
    instances.push(fromHost(h, vendor, origin));
  }
  if (instances.length === 0) throw new TopologyError(`${origin}: no database hosts in the ClusterControl export`);
  const seen = new Set<string>();
  for (const i of instances) {
    if (seen.has(i.key)) throw new TopologyError(`${origin}: host ${i.key} appears twice in the ClusterControl export`);
    seen.add(i.key);
  }
  return makeTopology(instances, { kind: 'clustercontrol', detail: name === undefined ? origin : `${origin}#${name}` }, collectedAt(data));
}

/** When cmon answered the request (`request_processed`), as the snapshot schema writes times. */
function collectedAt(data: unknown): string | undefined {
  const t = isObject(data) ? str(data.request_processed) : '';
  const ms = Date.parse(t);
  return t === '' || Number.isNaN(ms) ? undefined : new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

function selectCluster(data: unknown, origin: string, opts: ClusterControlOptions): { hosts: unknown[]; vendor: string; name?: string } {
  if (!isObject(data)) throw new TopologyError(`${origin}: expected a JSON object from ClusterControl`);
  const clusters: Json[] = [];
  if (isObject(data.cluster)) clusters.push(data.cluster);
  if (Array.isArray(data.clusters)) clusters.push(...data.clusters.filter(isObject));
  if (clusters.length === 0) {
    if (Array.isArray(data.hosts)) return { hosts: data.hosts, vendor: '' };
    throw new TopologyError(`${origin}: not a ClusterControl export (no "cluster", "clusters" or "hosts")`);
  }
  let chosen = clusters;
  if (opts.cluster !== undefined) {
    chosen = clusters.filter((c) => str(c.cluster_name) === opts.cluster || str(c.cluster_id) === opts.cluster);
    if (chosen.length === 0) {
      throw new TopologyError(`${origin}: no cluster "${opts.cluster}" (clusters: ${clusters.map((c) => str(c.cluster_name) || str(c.cluster_id)).join(', ')})`);
    }
  }
  if (chosen.length > 1) {
    throw new TopologyError(`${origin}: the export holds ${chosen.length} clusters; name one (${chosen.map((c) => str(c.cluster_name) || str(c.cluster_id)).join(', ')})`);
  }
  const c = chosen[0]!;
  if (!Array.isArray(c.hosts)) throw new TopologyError(`${origin}: cluster "${str(c.cluster_name)}" has no "hosts" (request it with "with_hosts": true)`);
  const name = str(c.cluster_name) || undefined;
  return name === undefined ? { hosts: c.hosts, vendor: str(c.vendor) } : { hosts: c.hosts, vendor: str(c.vendor), name };
}

function fromHost(h: Json, vendor: string, origin: string): Instance {
  const host = str(h.hostname) || str(h.ip);
  const port = int(h.port);
  if (host === '' || port === undefined || port < 1 || port > 65535) {
    throw new TopologyError(`${origin}: a host without a usable hostname and port (${JSON.stringify({ hostname: h.hostname, port: h.port })})`);
  }
  const versionText = str(h.version);
  const flavor = detectFlavor(versionText, vendor);
  const status = str(h.hoststatus);
  const reachable = status === 'CmonHostOnline' || (status === '' && bool(h.connected) === true);
  const inst: Instance = { key: hostKey(host, port), host: host.toLowerCase(), port, reachable, flavor };
  if (!reachable) inst.error = `ClusterControl reports ${status || 'the host as not connected'}`;
  const version = parseVersion(versionText);
  if (version) inst.version = version;
  const serverId = int(h.serverid);
  if (serverId !== undefined && serverId > 0) inst.serverId = serverId;
  const ro = bool(h.readonly);
  if (ro !== undefined) inst.readOnly = ro;
  const sro = bool(h.super_read_only);
  if (sro !== undefined && flavor !== 'mariadb') inst.superReadOnly = sro;
  const logBin = bool(h.log_bin);
  if (logBin !== undefined) inst.logBin = logBin;
  const master = isObject(h.replication_master) ? h.replication_master : {};
  const slave = isObject(h.replication_slave) ? h.replication_slave : {};
  const executed = str(slave.executed_gtid_set) || str(master.exec_gtid);
  inst.gtid = flavor === 'mariadb' ? { flavor: 'mariadb', executed } : { flavor: 'mysql', executed };
  const masterHost = str(slave.master_host);
  const masterPort = int(slave.master_port);
  if (masterHost !== '' && masterPort !== undefined && masterPort > 0) {
    inst.source = hostKey(masterHost, masterPort);
    const sourceServerId = int(slave.master_server_id);
    inst.replication = {
      sourceHost: masterHost,
      sourcePort: masterPort,
      ...(sourceServerId !== undefined && sourceServerId > 0 ? { sourceServerId } : {}),
      ioThread: thread(slave.slave_io_running),
      sqlThread: thread(slave.slave_sql_running),
      ...(int(slave.last_io_errno) !== undefined ? { lastIoErrno: int(slave.last_io_errno)! } : {}),
      lastIoError: str(slave.last_io_error),
      ...(int(slave.last_sql_errno) !== undefined ? { lastSqlErrno: int(slave.last_sql_errno)! } : {}),
      lastSqlError: str(slave.last_sql_error),
      lagSeconds: int(slave.seconds_behind_master) ?? null,
      sqlDelay: int(slave.sqldelay) ?? 0,
      sqlRemainingDelay: null,
      usingGtid: usingGtid(slave.using_gtid),
      hasFilters: false,
    };
  }
  const sourceStatus = bool(master.semisync_status);
  const replicaStatus = bool(slave.semisync_status);
  if (sourceStatus !== undefined || replicaStatus !== undefined) {
    // why: cmon reports the semi-sync status only; an active side is certainly enabled, an
    // inactive one is reported as disabled, which is what cmon shows its users too.
    inst.semiSync = {
      names: flavor !== 'mariadb' && version !== undefined && versionAtLeast(version, 8, 0, 26) ? 'source/replica' : 'master/slave',
      sourceEnabled: sourceStatus === true,
      replicaEnabled: replicaStatus === true,
      ...(sourceStatus !== undefined ? { sourceStatus } : {}),
      ...(replicaStatus !== undefined ? { replicaStatus } : {}),
    };
  }
  return inst;
}

function usingGtid(v: unknown): string {
  const s = str(v);
  if (s === '' || /^(no|off|0|false)$/i.test(s)) return 'No';
  if (/^(slave_pos|current_pos)$/i.test(s)) return s;
  return 'gtid';
}

function thread(v: unknown): ThreadState {
  const s = str(v).toLowerCase();
  if (s === 'yes' || s === 'on' || s === 'true' || s === '1') return 'yes';
  return s === 'connecting' ? 'connecting' : 'no';
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string {
  return v === null || v === undefined ? '' : String(v).trim();
}

/** An integer from a number or a numeric string; undefined for anything else. */
function int(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) ? v : undefined;
  if (typeof v === 'string' && /^-?[0-9]+$/.test(v.trim())) return Number(v.trim());
  return undefined;
}

/** A flag from a boolean, 0/1, or ON/OFF, YES/NO, TRUE/FALSE strings. */
function bool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') {
    if (/^(on|yes|true|1)$/i.test(v.trim())) return true;
    if (/^(off|no|false|0)$/i.test(v.trim())) return false;
  }
  return undefined;
}
