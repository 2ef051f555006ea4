import type { Finding } from './findings.js';
import { finish, positionInCluster, runStaticRules, type Analysis } from './lint.js';
import { viewOf } from './live/view.js';
import type { ClusterPolicy } from './policy/model.js';
import { RULES } from './rules/index.js';
import type { LiveRule } from './rules/rule.js';
import type { Topology } from './topology/model.js';

const LIVE_RULES = RULES.filter((r): r is LiveRule => r.scope === 'live');

/**
 * `succession check` as a function: the static findings plus every live rule for each cluster
 * against its topology, suppressed and sorted. `topologyOf` returns undefined for a cluster the
 * source has nothing on (it is then checked statically only).
 */
export function checkLive(analysis: Analysis, topologyOf: (cluster: ClusterPolicy) => Topology | undefined): Finding[] {
  const findings: Finding[] = [...analysis.readFindings, ...runStaticRules(analysis.repo)];
  for (const cluster of analysis.repo.clusters) {
    const topology = topologyOf(cluster);
    if (!topology) continue;
    const ctx = { cluster, repo: analysis.repo, topology, view: viewOf(cluster, topology) };
    for (const rule of LIVE_RULES) for (const r of rule.check(ctx)) findings.push(positionInCluster(cluster, rule.id, rule.severity, r));
  }
  return finish(findings, analysis.sources);
}
