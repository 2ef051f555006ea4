import type { ClusterPolicy, FleetPolicy } from '../policy/model.js';
import type { Repo } from '../rules/rule.js';
import { byCode, clusterSubject, sha256, sourcesOf, withHeader, type Artifact, type CompileResult } from './artifact.js';
import { barredFilters, deploymentPolicy, metaRows, metaSql, nodeConfig, noteUnexpressed, raftDirectories, raftNodes, stableJson, urlHost } from './orchestrator.js';
import { Notes } from './unexpressed.js';

// The orchestrator files, in two halves: what one cluster alone decides (its meta SQL), which the
// worker threads compile next to its lint, and what a whole deployment decides (node configs).

/**
 * A cluster's `meta/<cluster>.sql` and what orchestrator cannot express for it, and its share of its
 * deployment's PromotionIgnoreHostnameFilters (see deploymentPolicy); nothing without a known deployment.
 */
export function orchestratorClusterFiles(cluster: ClusterPolicy, fleet: FleetPolicy | undefined): CompileResult & { barred?: string[] } {
  const dep = cluster.orchestrator?.deployment === undefined ? undefined : fleet?.deployments.get(cluster.orchestrator.deployment);
  if (dep === undefined || fleet === undefined) return { artifacts: [], reports: [] };
  const notes = new Notes('orchestrator');
  noteUnexpressed(cluster, notes);
  const sources = sourcesOf(cluster.file.path, fleet.file.path);
  const rows = metaRows(cluster);
  const content = withHeader('--', sources, clusterSubject(cluster), metaSql(dep.metaSchema, cluster, rows));
  return { artifacts: [{ path: `orchestrator/${dep.name}/meta/${cluster.name}.sql`, content, sourceFiles: sources }], reports: notes.reports, barred: barredFilters(rows) };
}

/** The deployment-wide files, also by deployment (a scoped cached build compiles only some deployments). */
export interface DeploymentFiles extends CompileResult {
  byDeployment: Map<string, Artifact[]>;
}

/**
 * The files of every deployment as a whole: one config per raft node, the orchestrator-client
 * environment, and a provenance file (JSON has no comments); the problems of the deployments
 * themselves (raft nodes sharing a directory), which depend on the fleet file alone. With `only`,
 * the files of those deployments alone, made from `repo.clusters` (which must then hold every
 * cluster of those deployments); the problems are still those of every deployment. `barredOf`:
 * see deploymentPolicy.
 */
export function orchestratorDeploymentFiles(repo: Pick<Repo, 'clusters' | 'fleet'>, only?: ReadonlySet<string>, barredOf?: (cluster: ClusterPolicy) => readonly string[]): DeploymentFiles {
  const notes = new Notes('orchestrator');
  const artifacts: Artifact[] = [];
  const byDeployment = new Map<string, Artifact[]>();
  const fleet = repo.fleet;
  if (!fleet) return { artifacts, reports: [], byDeployment };
  const members = new Map<string, ClusterPolicy[]>();
  for (const c of repo.clusters) {
    const name = c.orchestrator?.deployment;
    if (name === undefined) continue;
    const list = members.get(name);
    if (list) list.push(c);
    else members.set(name, [c]);
  }
  for (const dep of [...fleet.deployments.values()].sort((a, b) => byCode(a.name, b.name))) {
    const byDir = raftDirectories(dep, fleet, notes);
    if (only !== undefined && !only.has(dep.name)) continue;
    const clusters = (members.get(dep.name) ?? []).sort((a, b) => byCode(a.name, b.name));
    const sources = sourcesOf(fleet.file.path, ...clusters.map((c) => c.file.path));
    const base = `orchestrator/${dep.name}`;
    const nodes = raftNodes(dep);
    const policy = deploymentPolicy(dep, clusters, barredOf);
    const configs: Artifact[] = [...byDir.values()].map((node) => ({
      path: `${base}/${node.dir}/orchestrator.conf.json`,
      content: stableJson(nodeConfig(dep, node, nodes, fleet, policy)),
      sourceFiles: sources,
    }));
    const own = [...configs];
    const api = nodes.map((n) => `http://${urlHost(n.host)}:${dep.httpPort}/api`).join(' ');
    // why: sourced by a shell, the export line hands the variable to orchestrator-client; systemd's
    // EnvironmentFile ignores a line without "=", and rejects `export NAME=value` (systemd 252).
    own.push({ path: `${base}/orchestrator-client.env`, content: withHeader('#', [fleet.file.path], `orchestrator deployment ${dep.name}: the API of every raft node, for orchestrator-client.`, `ORCHESTRATOR_API="${api}"\nexport ORCHESTRATOR_API\n`), sourceFiles: [fleet.file.path] });
    const sums = configs.map((a) => `${sha256(a.content)}  ${a.path.slice(base.length + 1)}`).join('\n');
    own.push({
      path: `${base}/provenance.txt`,
      content: withHeader('#', sources, `orchestrator deployment ${dep.name}: orchestrator reads JSON without comments, so the node configs are listed here (sha256sum format).`, `${sums}\n`),
      sourceFiles: sources,
    });
    artifacts.push(...own);
    byDeployment.set(dep.name, own);
  }
  return { artifacts, reports: notes.reports, byDeployment };
}

/** Every orchestrator file of the fleet. */
export function compileOrchestrator(repo: Pick<Repo, 'clusters' | 'fleet'>): CompileResult {
  const whole = orchestratorDeploymentFiles(repo);
  for (const c of repo.clusters) {
    const one = orchestratorClusterFiles(c, repo.fleet);
    whole.artifacts.push(...one.artifacts);
    whole.reports.push(...one.reports);
  }
  return whole;
}
