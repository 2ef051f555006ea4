import { parseHostKey } from '../policy/hostkey.js';
import { forbiddenCharacter, hasLoneSurrogate } from '../policy/source.js';
import { fromClusterControl } from './clustercontrol.js';
import { TopologyError, type Topology } from './model.js';
import { discover, type DiscoverOptions } from './mysql.js';
import { readOrchestrator } from './orchestrator-api.js';
import { parseSnapshot } from './snapshot.js';
import { redactSecrets } from './http.js';
import { readTopologyFile } from './read-file.js';

export interface LoadOptions {
  /** Cluster alias (orchestrator) or name / id (ClusterControl export with several clusters). */
  cluster?: string;
  /** For `mysql://` sources: credentials and discovery settings (the seeds come from the URL). */
  mysql?: Omit<DiscoverOptions, 'seeds'>;
  /** HTTP basic auth for orchestrator URLs that do not carry `user:password@` themselves. */
  orchestratorAuth?: { user: string; password: string };
  timeoutMs?: number;
}

/**
 * Reads a topology from what a `--topology SRC` names:
 * - `mysql://HOST:PORT[,HOST:PORT…]`: discovery from those seeds;
 * - `http(s)://…/api[,http(s)://…/api…]`: orchestrator (the raft leader among several URLs);
 * - a file: a snapshot (`"format": 1`) or a ClusterControl export, told apart by content.
 */
export async function loadTopology(src: string, opts: LoadOptions = {}): Promise<Topology> {
  try {
    return await load(src, opts);
  } catch (e) {
    // why: SRC may carry `user:password@` (a URL, a seed); no message repeats it.
    if (e instanceof TopologyError) throw new TopologyError(e.lines.map((l) => redactSecrets(l)));
    throw e;
  }
}

/**
 * A `mysql://[user[:password]@]HOST:PORT[,…]` source split into its parts (user and password
 * percent-decoded); they win over every other credential, and only the seeds are ever shown.
 */
export function parseMysqlUrl(src: string): { user?: string; password?: string; seeds: string } | undefined {
  const m = /^mysql:\/\/(?:([^@/]*)@)?(.*)$/is.exec(src);
  if (!m) return undefined;
  if (m[1] === undefined) return { seeds: m[2]! };
  const decode = (v: string): string => {
    try {
      return decodeURIComponent(v);
    } catch {
      throw new TopologyError('the user or password of the mysql:// topology is not valid percent-encoding');
    }
  };
  const colon = m[1].indexOf(':');
  return colon < 0 ? { user: decode(m[1]), seeds: m[2]! } : { user: decode(m[1].slice(0, colon)), password: decode(m[1].slice(colon + 1)), seeds: m[2]! };
}

async function load(src: string, opts: LoadOptions): Promise<Topology> {
  if (/^mysql:\/\//i.test(src)) {
    if (!opts.mysql) throw new TopologyError(`${src}: no credentials given for MySQL discovery`);
    const url = parseMysqlUrl(src)!;
    const shown = `mysql://${url.seeds}`;
    const seeds = url.seeds.split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (seeds.length === 0) throw new TopologyError(`${shown}: no HOST:PORT after mysql://`);
    for (const s of seeds) if (!parseHostKey(s, 3306)) throw new TopologyError(`${shown}: invalid seed "${s}", expected HOST:PORT`);
    const credentials = { ...opts.mysql.credentials, ...(url.user !== undefined ? { user: url.user } : {}), ...(url.password !== undefined ? { password: url.password } : {}) };
    const { topology } = await discover({ ...opts.mysql, credentials, seeds });
    return topology;
  }
  if (/^https?:\/\//i.test(src)) {
    // why: orchestrator-client takes a space-separated list; commas read better on a command line.
    const urls = src.split(/[\s,]+/).filter((s) => s !== '');
    const bad = urls.find((u) => !/^https?:\/\/[^/]+/i.test(u));
    if (bad !== undefined) throw new TopologyError(`${src}: "${bad}" is not an http(s) URL`);
    if (opts.cluster === undefined) throw new TopologyError(`${src}: reading orchestrator needs the cluster alias`);
    return readOrchestrator({
      urls,
      cluster: opts.cluster,
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      ...(opts.orchestratorAuth ? { auth: opts.orchestratorAuth } : {}),
    });
  }
  return loadFile(src, opts);
}

function loadFile(path: string, opts: LoadOptions): Topology {
  const text = readTopologyFile(path, 'topology');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    // why: the snapshot reader reports the syntax error with its line and column.
    return parseSnapshot(path, text);
  }
  // why: the snapshot reader refuses what YAML and UTF-16 forbid (C1 controls, lone surrogates) with a position; JSON.parse takes them.
  if (forbiddenCharacter(text) !== undefined || hasLoneSurrogate(data)) return parseSnapshot(path, text);
  const obj = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : undefined;
  if (obj && ('format' in obj || 'instances' in obj)) return parseSnapshot(path, text);
  if (obj && ('cluster' in obj || 'clusters' in obj || 'hosts' in obj)) {
    return fromClusterControl(data, path, opts.cluster !== undefined ? { cluster: opts.cluster } : {});
  }
  throw new TopologyError(`${path}: neither a succession snapshot ("format": 1) nor a ClusterControl export ("cluster", "clusters" or "hosts")`);
}
