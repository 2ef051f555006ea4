import { compareFindings, type Finding } from './findings.js';
import { finish, positionInCluster, runStaticRules, type Analysis } from './lint.js';
import { viewOf } from './live/view.js';
import type { ClusterPolicy } from './policy/model.js';
import { RULES, RULES_BY_ID } from './rules/index.js';
import { applySuppressions } from './suppress.js';
import type { LiveRule } from './rules/rule.js';
import type { Topology } from './topology/model.js';

const LIVE_RULES = RULES.filter((r): r is LiveRule => r.scope === 'live');
const LIVE_IDS: ReadonlySet<string> = new Set(LIVE_RULES.map((r) => r.id));

/** A finding of a live rule, with the policy host it is reported on (when it is reported on one). */
export interface HostFinding {
  finding: Finding;
  host?: string;
}

/** Every live rule on one cluster and its topology, unsuppressed. */
function liveRun(analysis: Analysis, cluster: ClusterPolicy, topology: Topology): HostFinding[] {
  const ctx = { cluster, repo: analysis.repo, topology, view: viewOf(cluster, topology) };
  const out: HostFinding[] = [];
  for (const rule of LIVE_RULES) {
    for (const r of rule.check(ctx)) {
      const host = r.path[0] === 'hosts' ? cluster.hosts.find((h) => h.written === r.path[1])?.key : undefined;
      out.push({ finding: positionInCluster(cluster, rule.id, rule.severity, r), ...(host !== undefined ? { host } : {}) });
    }
  }
  return out;
}

/**
 * What `succession check` reports from the live rules on one cluster, suppressions applied, each
 * with its host: `simulate` shows them, so that it never presents as fit a host check finds unfit.
 */
export function liveFindingsOf(analysis: Analysis, cluster: ClusterPolicy, topology: Topology): HostFinding[] {
  const run = liveRun(analysis, cluster, topology);
  const hostOf = new Map(run.map((h) => [h.finding, h.host]));
  // why: suppressions are applied to these findings alone; what they report about other rules' directives is not check's live view.
  const kept = applySuppressions(run.map((h) => h.finding), analysis.sources, new Set(RULES_BY_ID.keys())).filter((f) => LIVE_IDS.has(f.ruleId));
  return kept.sort(compareFindings).map((finding) => {
    const host = hostOf.get(finding);
    return { finding, ...(host !== undefined ? { host } : {}) };
  });
}

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
    findings.push(...liveRun(analysis, cluster, topology).map((h) => h.finding));
  }
  return finish(findings, analysis.sources);
}
