import type { Finding } from '../findings.js';
import { position } from '../lint.js';
import type { Repo } from '../rules/rule.js';
import targetCannotExpress from '../rules/target-cannot-express.js';
import unsafeEngineValue from '../rules/unsafe-engine-value.js';
import type { Artifact, CompileReport, CompileResult, TargetName } from './artifact.js';
import type { ClusterPolicy, FleetPolicy } from '../policy/model.js';
import { compileCmon } from './cmon.js';
import { compileMha } from './mha.js';
import { compileOrchestrator, orchestratorClusterReports, orchestratorFleetReports } from './orchestrator.js';

export { TARGETS, type Artifact, type TargetName } from './artifact.js';

const COMPILERS: Record<TargetName, (repo: Pick<Repo, 'clusters' | 'fleet'>) => CompileResult> = {
  cmon: compileCmon,
  orchestrator: compileOrchestrator,
  mha: compileMha,
};

const SEVERITY = { [targetCannotExpress.id]: targetCannotExpress.severity, [unsafeEngineValue.id]: unsafeEngineValue.severity };

export interface Compiled {
  /** Sorted by path. */
  artifacts: Artifact[];
  /** Positioned, de-duplicated (clusters that inherit a fleet default report it once per target). */
  findings: Finding[];
}

/**
 * Compiles the repository for the chosen targets; pure. With `positions: false` the findings are
 * left out (the caller has them already, from the worker threads, see lintParallel).
 */
export function compile(repo: Pick<Repo, 'clusters' | 'fleet'>, targets: readonly TargetName[], opts: { positions?: boolean } = {}): Compiled {
  const artifacts: Artifact[] = [];
  const findings = new Map<string, Finding>();
  for (const t of targets) {
    const r = COMPILERS[t](repo);
    artifacts.push(...r.artifacts);
    if (opts.positions === false) continue;
    for (const { ruleId, report } of r.reports) {
      const f = position(ruleId, SEVERITY[ruleId]!, report);
      findings.set(`${f.file}\u0000${f.line}\u0000${f.column}\u0000${f.ruleId}\u0000${f.message}`, f);
    }
  }
  artifacts.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { artifacts, findings: [...findings.values()] };
}

function positioned(reports: readonly CompileReport[]): Finding[] {
  return reports.map(({ ruleId, report }) => position(ruleId, SEVERITY[ruleId]!, report));
}

/**
 * The findings of compiling one cluster, without its orchestrator deployment's files: what the
 * worker threads compute while the cluster's AST is at hand. With `fleetFindings`, the same set
 * as `compile(...).findings` for the whole repository (a test holds them to it).
 */
export function clusterFindings(cluster: ClusterPolicy, fleet: FleetPolicy | undefined, targets: readonly TargetName[]): Finding[] {
  const one = { clusters: [cluster], fleet };
  const reports: CompileReport[] = [];
  if (targets.includes('cmon')) reports.push(...compileCmon(one).reports);
  if (targets.includes('mha')) reports.push(...compileMha(one).reports);
  if (targets.includes('orchestrator')) reports.push(...orchestratorClusterReports(cluster, fleet));
  return positioned(reports);
}

/** The findings of compiling that belong to the fleet rather than to a cluster. */
export function fleetFindings(fleet: FleetPolicy | undefined, targets: readonly TargetName[]): Finding[] {
  return targets.includes('orchestrator') ? positioned(orchestratorFleetReports(fleet)) : [];
}
