import type { Finding, Severity } from '../findings.js';
import { position } from '../lint.js';
import type { Repo } from '../rules/rule.js';
import targetCannotExpress from '../rules/target-cannot-express.js';
import unsafeEngineValue from '../rules/unsafe-engine-value.js';
import type { Artifact, CompileReport, CompileResult, TargetName } from './artifact.js';
import type { ClusterPolicy, FleetPolicy } from '../policy/model.js';
import { compileCmon } from './cmon.js';
import { compileMha } from './mha.js';
import { compileOrchestrator, orchestratorClusterFiles, orchestratorDeploymentFiles } from './orchestrator-files.js';

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

/** The identity of a finding for de-duplication: the same note reached from several clusters or targets. */
export function findingKey(f: Finding): string {
  return `${f.file}\u0000${f.line}\u0000${f.column}\u0000${f.ruleId}\u0000${f.message}`;
}

/** Compiles the repository for the chosen targets in one piece; pure. The build compiles it in halves (compileCluster, compileDeployments), which a test holds to this. */
export function compile(repo: Pick<Repo, 'clusters' | 'fleet'>, targets: readonly TargetName[]): Compiled {
  const artifacts: Artifact[] = [];
  const findings = new Map<string, Finding>();
  for (const t of targets) {
    const r = COMPILERS[t](repo);
    artifacts.push(...r.artifacts);
    for (const f of positioned(r.reports)) findings.set(findingKey(f), f);
  }
  artifacts.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { artifacts, findings: [...findings.values()] };
}

export function positioned(reports: readonly CompileReport[]): Finding[] {
  return reports.map(({ ruleId, report }) => position(ruleId, SEVERITY[ruleId]!, report));
}

/** A compile report's severity: its own, else its rule's. */
export function reportSeverity({ ruleId, report }: CompileReport): Severity {
  return report.severity ?? SEVERITY[ruleId]!;
}

/**
 * The files of one cluster alone (cmon, MHA, its orchestrator meta SQL) and their findings: what
 * the worker threads compile while the cluster's AST is at hand. With compileDeployments, the
 * same files and findings as `compile` for the whole repository.
 */
export function compileCluster(
  cluster: ClusterPolicy,
  fleet: FleetPolicy | undefined,
  targets: readonly TargetName[],
): { artifacts: Artifact[]; findings: Finding[]; barred?: string[] } {
  const { reports, ...compiled } = compileClusterReports(cluster, fleet, targets);
  return { ...compiled, findings: positioned(reports) };
}

/** compileCluster with its findings not yet positioned: a position parses the file (see parseSource), and most notes are only counted. */
export function compileClusterReports(
  cluster: ClusterPolicy,
  fleet: FleetPolicy | undefined,
  targets: readonly TargetName[],
): { artifacts: Artifact[]; reports: CompileReport[]; barred?: string[] } {
  const one = { clusters: [cluster], fleet };
  const parts: CompileResult[] = [];
  if (targets.includes('cmon')) parts.push(compileCmon(one));
  if (targets.includes('mha')) parts.push(compileMha(one));
  const orchestrator = targets.includes('orchestrator') ? orchestratorClusterFiles(cluster, fleet) : undefined;
  if (orchestrator) parts.push(orchestrator);
  const compiled = { artifacts: parts.flatMap((p) => p.artifacts), reports: parts.flatMap((p) => p.reports) };
  return orchestrator?.barred === undefined ? compiled : { ...compiled, barred: orchestrator.barred };
}

/**
 * The files that depend on a whole orchestrator deployment (node configs, client env, provenance),
 * also by deployment, and the deployments' own problems; with `only`, the files of those
 * deployments alone (see orchestratorDeploymentFiles).
 */
export function compileDeployments(
  repo: Pick<Repo, 'clusters' | 'fleet'>,
  targets: readonly TargetName[],
  only?: ReadonlySet<string>,
  barredOf?: (cluster: ClusterPolicy) => readonly string[],
): { artifacts: Artifact[]; findings: Finding[]; byDeployment: Map<string, Artifact[]> } {
  if (!targets.includes('orchestrator')) return { artifacts: [], findings: [], byDeployment: new Map() };
  const r = orchestratorDeploymentFiles(repo, only, barredOf);
  return { artifacts: r.artifacts, findings: positioned(r.reports), byDeployment: r.byDeployment };
}
