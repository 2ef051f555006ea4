import type { Command } from 'commander';
import { orchestratorQueries } from '../compile/orchestrator.js';
import type { ClusterPolicy, FleetPolicy } from '../policy/model.js';
import { resolveCredentials } from '../topology/credentials.js';
import { TopologyError, type Topology } from '../topology/model.js';
import { loadTopology } from '../topology/source.js';
import { UsageError } from './io.js';

export interface TopologyOptions {
  topology: string;
  defaultsFile?: string;
}

/** The `--topology SRC` option and what it needs (credentials for `mysql://`). */
export function addTopologyOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--topology <src>', 'snapshot file, mysql://HOST:PORT[,HOST:PORT], orchestrator http(s)://HOST:PORT/api[,…], or a ClusterControl JSON export')
    .option('--defaults-file <file>', 'for mysql:// sources: user and password from the [client] section of this my.cnf-style file (else MYSQL_USER / MYSQL_PWD)');
}

/**
 * Reads the topology once per source, except orchestrator, which is asked per cluster alias (for
 * the clusters the policies put under orchestrator).
 * A source that cannot be read is a usage-level failure (exit 2): checking against nothing would
 * pass silently.
 */
export async function topologiesFor(clusters: readonly ClusterPolicy[], opts: TopologyOptions, fleet?: FleetPolicy): Promise<Map<string, Topology>> {
  const perCluster = /^https?:\/\//i.test(opts.topology);
  // why: discovery reads each server as orchestrator does when the clusters' deployments agree on where the meta table lives.
  const schemas = new Set(clusters.flatMap((c) => (c.orchestrator ? [fleet?.deployments.get(c.orchestrator.deployment)?.metaSchema] : [])).filter((s) => s !== undefined));
  const meta = schemas.size === 1 ? { orchestratorQueries: orchestratorQueries([...schemas][0]!) } : {};
  const mysql = /^mysql:\/\//i.test(opts.topology) ? { credentials: credentials(opts.defaultsFile), ...meta } : undefined;
  const out = new Map<string, Topology>();
  try {
    if (!perCluster) {
      const t = readable(opts.topology, await loadTopology(opts.topology, mysql ? { mysql } : {}));
      for (const c of clusters) out.set(c.name, t);
      return out;
    }
    // why: orchestrator knows only the clusters it manages; the others are checked statically.
    for (const c of clusters.filter((x) => x.orchestrator)) {
      out.set(c.name, readable(`${opts.topology} (cluster ${c.name})`, await loadTopology(opts.topology, { cluster: c.name })));
    }
    return out;
  } catch (e) {
    if (e instanceof TopologyError) throw new UsageError(e.message);
    throw e;
  }
}

/** A topology of which nothing could be read would make every policy host "missing": refuse it. */
function readable(src: string, t: Topology): Topology {
  if (t.instances.some((i) => i.reachable)) return t;
  const why = t.unreachable.map((u) => `${u.key}: ${u.error}`).join('; ');
  throw new UsageError(`nothing could be read from ${src}${why ? ` (${why})` : ' (no instances)'}`);
}

function credentials(defaultsFile: string | undefined) {
  try {
    return resolveCredentials(process.env, defaultsFile);
  } catch (e) {
    if (e instanceof TopologyError) throw new UsageError(e.message);
    throw e;
  }
}
