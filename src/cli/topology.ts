import { accessSync, constants } from 'node:fs';
import { Option, type Command } from 'commander';
import { orchestratorQueries } from '../compile/orchestrator.js';
import type { ClusterPolicy, FleetPolicy } from '../policy/model.js';
import { TopologyError, type Topology } from '../topology/model.js';
import { readOrchestratorCredentials } from '../topology/orchestrator-credentials.js';
import { orchestratorUsers } from '../topology/as-orchestrator.js';
import { loadTopology, parseMysqlUrl } from '../topology/source.js';
import { errnoText } from '../util/errno.js';
import { addConnectionOptions, connection, type ConnectionOptions } from './connection.js';
import { UsageError } from './io.js';
import { redactSecrets } from '../topology/http.js';

export interface TopologyOptions extends ConnectionOptions {
  topology?: string;
  orchestratorCredentials?: string;
}

/** The `--topology SRC` option and what it needs (credentials for `mysql://`). */
export function addTopologyOptions(cmd: Command): Command {
  return addConnectionOptions(cmd)
    .addOption(
      new Option('--topology <src>', 'snapshot file, mysql://HOST:PORT[,HOST:PORT], orchestrator http(s)://HOST:PORT/api[,…], or a ClusterControl JSON export; for orchestrator, HTTP basic auth from ORCHESTRATOR_AUTH_USER / ORCHESTRATOR_AUTH_PASSWORD')
        .env('ORCHESTRATOR_API'),
    )
    .option(
      '--orchestrator-credentials <file>',
      "for mysql:// sources: orchestrator's topology credentials file (MySQLTopologyCredentialsConfigFile); what that user may do in a recovery is read on each server (default: the deployment's topologyCredentialsFile, when readable)",
    );
}

/**
 * Reads the topology once per source, except orchestrator, which is asked per cluster alias (for
 * the clusters the policies put under orchestrator).
 * A source that cannot be read is a usage-level failure (exit 2): checking against nothing would
 * pass silently.
 */
export async function topologiesFor(clusters: readonly ClusterPolicy[], given: TopologyOptions, fleet?: FleetPolicy): Promise<Map<string, Topology>> {
  if (given.topology === undefined) throw new UsageError('no topology: give --topology SRC, or set ORCHESTRATOR_API as for orchestrator-client');
  const url = mysqlUrlOf(given.topology);
  const { credentials, server } = url ? connection(given) : { credentials: undefined, server: undefined };
  if (credentials && url?.user !== undefined) {
    credentials.user = url.user;
    if (url.password !== undefined) credentials.password = url.password;
  }
  // why: a bare mysql:// starts from the server the option files or MYSQL_HOST name, as the mysql client would connect.
  const seeds = url && url.seeds === '' && server !== undefined ? server : url?.seeds;
  const opts = { ...given, topology: seeds !== undefined ? `mysql://${seeds}` : given.topology };
  const perCluster = /^https?:\/\//i.test(opts.topology);
  // why: discovery reads each server as orchestrator does when the clusters' deployments agree on where the meta table lives.
  const schemas = new Set(clusters.flatMap((c) => (c.orchestrator ? [fleet?.deployments.get(c.orchestrator.deployment)?.metaSchema] : [])).filter((s) => s !== undefined));
  const meta = schemas.size === 1 ? { orchestratorQueries: orchestratorQueries([...schemas][0]!) } : {};
  const isMysql = /^mysql:\/\//i.test(opts.topology);
  if (opts.orchestratorCredentials !== undefined && !isMysql && !perCluster) {
    throw new UsageError('--orchestrator-credentials needs a mysql:// or orchestrator topology: the grants are read from the servers themselves');
  }
  const login = isMysql || perCluster ? orchestratorCredentialsFile(clusters, opts, fleet) : undefined;
  const orchestrator = login && 'file' in login ? { orchestratorCredentials: orchestratorCredentials(login.file) } : {};
  const timeouts = { connectTimeoutMs: opts.connectTimeout, queryTimeoutMs: opts.queryTimeout };
  const mysql = isMysql && credentials ? { credentials, ...timeouts, concurrency: opts.concurrency, ...meta, ...orchestrator } : undefined;
  const out = new Map<string, Topology>();
  try {
    if (!perCluster) {
      const t = readable(opts.topology, await loadTopology(opts.topology, mysql ? { mysql } : {}));
      for (const c of clusters) out.set(c.name, t);
      return out;
    }
    // why: orchestrator knows only the clusters it manages; the others are checked statically.
    for (const c of clusters.filter((x) => x.orchestrator)) {
      const t = readable(`${opts.topology} (cluster ${c.name})`, await loadTopology(opts.topology, { cluster: c.name, timeoutMs: opts.queryTimeout, ...orchestratorAuth(process.env) }));
      // why: orchestrator's API does not say what its user may change; the servers it names do, to that user.
      if (orchestrator.orchestratorCredentials) {
        const users = await orchestratorUsers(t.instances, orchestrator.orchestratorCredentials, { connectMs: opts.connectTimeout, queryMs: opts.queryTimeout });
        for (const i of t.instances) {
          const u = users.get(i.key);
          if (u) i.orchestratorUser = u;
        }
      }
      out.set(c.name, t);
    }
    return out;
  } catch (e) {
    if (e instanceof TopologyError) throw new UsageError(e.lines);
    throw e;
  }
}

function mysqlUrlOf(src: string): ReturnType<typeof parseMysqlUrl> {
  try {
    return parseMysqlUrl(src);
  } catch (e) {
    if (e instanceof TopologyError) throw new UsageError(e.lines);
    throw e;
  }
}

/** orchestrator-client's basic-auth variables; a URL's own `user:password@` still wins. */
export function orchestratorAuth(env: NodeJS.ProcessEnv): { orchestratorAuth?: { user: string; password: string } } {
  const user = env.ORCHESTRATOR_AUTH_USER ?? '';
  const password = env.ORCHESTRATOR_AUTH_PASSWORD ?? '';
  return user === '' && password === '' ? {} : { orchestratorAuth: { user, password } };
}

/** A topology of which nothing could be read would make every policy host "missing": refuse it. */
function readable(src: string, t: Topology): Topology {
  if (t.instances.some((i) => i.reachable)) return t;
  const why = t.unreachable.map((u) => `${u.key}: ${u.error}`).join('; ');
  throw new UsageError(`nothing could be read from ${redactSecrets(src)}${why ? ` (${why})` : ' (no instances)'}`);
}

/**
 * The file to log in with as orchestrator: `--orchestrator-credentials`, else the one
 * topologyCredentialsFile that the clusters' deployments name, when it is readable here.
 */
function orchestratorCredentialsFile(clusters: readonly ClusterPolicy[], opts: TopologyOptions, fleet?: FleetPolicy): { file: string } | { why: string } {
  if (opts.orchestratorCredentials !== undefined) return { file: opts.orchestratorCredentials };
  const named = clusters.flatMap((c) => (c.orchestrator ? [fleet?.deployments.get(c.orchestrator.deployment)?.topologyCredentialsFile] : []));
  const files = [...new Set(named.filter((f) => f !== undefined))].sort();
  if (files.length === 0) return { why: 'no orchestrator deployment names a topologyCredentialsFile' };
  if (files.length > 1) return { why: `the deployments name different topologyCredentialsFile (${files.join(', ')})` };
  try {
    accessSync(files[0]!, constants.R_OK);
  } catch (e) {
    return { why: `the deployment's topologyCredentialsFile ${files[0]} is not readable here (${errnoText(e)})` };
  }
  return { file: files[0]! };
}

/**
 * For `check`: one line when a cluster under orchestrator was checked without knowing what
 * orchestrator's user may do on its servers, saying how to find out (nothing is skipped silently).
 */
export function recoveryPrivilegesNote(clusters: readonly ClusterPolicy[], topologies: Map<string, Topology>, opts: TopologyOptions, fleet?: FleetPolicy): string | undefined {
  const unverified = clusters
    .filter((c) => c.orchestrator && topologies.get(c.name)?.instances.every((i) => i.orchestratorUser === undefined))
    .map((c) => c.name);
  if (unverified.length === 0) return undefined;
  const login = orchestratorCredentialsFile(clusters, opts, fleet);
  const how = /^(mysql|https?):\/\//i.test(opts.topology ?? '')
    ? `to verify them, give --orchestrator-credentials FILE (orchestrator's MySQLTopologyCredentialsConfigFile)${'why' in login ? `; ${login.why}` : ''}`
    : 'they are read from the servers: use a mysql:// or orchestrator topology with --orchestrator-credentials FILE, or a snapshot written by succession discover --orchestrator-credentials FILE';
  return `note: the recovery privileges of orchestrator's topology user were not verified for cluster${unverified.length > 1 ? 's' : ''} ${unverified.join(', ')}; ${how}`;
}

function orchestratorCredentials(file: string) {
  try {
    return readOrchestratorCredentials(file, process.env);
  } catch (e) {
    if (e instanceof TopologyError) throw new UsageError(e.lines);
    throw e;
  }
}
