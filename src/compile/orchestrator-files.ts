import type { ClusterPolicy, FleetPolicy } from '../policy/model.js';
import type { Repo } from '../rules/rule.js';
import { byCode, clusterSubject, sha256, sourcesOf, withHeader, type Artifact, type CompileResult } from './artifact.js';
import { deploymentPolicy, metaSql, nodeConfig, noteUnexpressed, raftDirectories, raftNodes, stableJson, urlHost } from './orchestrator.js';
import { Notes } from './unexpressed.js';

// The orchestrator files, in two halves: what one cluster alone decides (its meta SQL), which the
// worker threads compile next to its lint, and what a whole deployment decides (node configs).

/** A cluster's `meta/<cluster>.sql` and what orchestrator cannot express for it; nothing without a known deployment. */
export function orchestratorClusterFiles(cluster: ClusterPolicy, fleet: FleetPolicy | undefined): CompileResult {
  const dep = cluster.orchestrator?.deployment === undefined ? undefined : fleet?.deployments.get(cluster.orchestrator.deployment);
  if (dep === undefined || fleet === undefined) return { artifacts: [], reports: [] };
  const notes = new Notes('orchestrator');
  noteUnexpressed(cluster, notes);
  const sources = sourcesOf(cluster.file.path, fleet.file.path);
  const content = withHeader('--', sources, clusterSubject(cluster), metaSql(dep.metaSchema, cluster));
  return { artifacts: [{ path: `orchestrator/${dep.name}/meta/${cluster.name}.sql`, content, sourceFiles: sources }], reports: notes.reports };
}

/**
 * The files of every deployment as a whole: one config per raft node, the orchestrator-client
 * environment, and a provenance file (JSON has no comments); the problems of the deployments
 * themselves (raft nodes sharing a directory).
 */
export function orchestratorDeploymentFiles(repo: Pick<Repo, 'clusters' | 'fleet'>): CompileResult {
  const notes = new Notes('orchestrator');
  const artifacts: Artifact[] = [];
  const fleet = repo.fleet;
  if (!fleet) return { artifacts, reports: [] };
  const byDeployment = new Map<string, ClusterPolicy[]>();
  for (const c of repo.clusters) {
    const name = c.orchestrator?.deployment;
    if (name === undefined) continue;
    const members = byDeployment.get(name);
    if (members) members.push(c);
    else byDeployment.set(name, [c]);
  }
  for (const dep of [...fleet.deployments.values()].sort((a, b) => byCode(a.name, b.name))) {
    const clusters = (byDeployment.get(dep.name) ?? []).sort((a, b) => byCode(a.name, b.name));
    const sources = sourcesOf(fleet.file.path, ...clusters.map((c) => c.file.path));
    const base = `orchestrator/${dep.name}`;
    const nodes = raftNodes(dep);
    const byDir = raftDirectories(dep, fleet, notes);
    const policy = deploymentPolicy(dep, clusters);
    const configs: Artifact[] = [...byDir.values()].map((node) => ({
      path: `${base}/${node.dir}/orchestrator.conf.json`,
      content: stableJson(nodeConfig(dep, node, nodes, fleet, policy)),
      sourceFiles: sources,
    }));
    artifacts.push(...configs);
    const api = nodes.map((n) => `http://${urlHost(n.host)}:${dep.httpPort}/api`).join(' ');
    // why: sourced by a shell, the export line hands the variable to orchestrator-client; systemd's
    // EnvironmentFile ignores a line without "=", and rejects `export NAME=value` (systemd 252).
    artifacts.push({ path: `${base}/orchestrator-client.env`, content: withHeader('#', [fleet.file.path], `orchestrator deployment ${dep.name}: the API of every raft node, for orchestrator-client.`, `ORCHESTRATOR_API="${api}"\nexport ORCHESTRATOR_API\n`), sourceFiles: [fleet.file.path] });
    const sums = configs.map((a) => `${sha256(a.content)}  ${a.path.slice(base.length + 1)}`).join('\n');
    artifacts.push({
      path: `${base}/provenance.txt`,
      content: withHeader('#', sources, `orchestrator deployment ${dep.name}: orchestrator reads JSON without comments, so the node configs are listed here (sha256sum format).`, `${sums}\n`),
      sourceFiles: sources,
    });
  }
  return { artifacts, reports: notes.reports };
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
