import { atLeast, compareFindings, type Finding, type Severity } from './findings.js';
import { finish, INHERITED_BY } from './finish.js';
import { mayBeFleet } from './policy/fleet-candidate.js';
import { locateOnce } from './policy/locate.js';
import type { ClusterPolicy, FleetPolicy } from './policy/model.js';
import { documentKind, validateSchema, type DocumentKind } from './policy/schema.js';
import { resolveCluster, resolveFleet } from './policy/resolve.js';
import { lazySource, parseSource, type SourceFile } from './policy/source.js';
import { RULES } from './rules/index.js';
import type { ClusterRule, Repo, RepoRule, Report } from './rules/rule.js';
import { configProblems } from './config/config.js';

/** One input file: its display path and its text. */
export interface PolicyInput {
  path: string;
  /** The file's text; for a file the build cache vouches for (`known`), read only when first used. */
  text: string;
  /** The file's stat before it was read (see inputStat); absent when too recent to be trusted later. */
  stat?: string;
  /** What the build cache knows of the text, vouched for by the file's stat being the one recorded. */
  known?: KnownText;
}

/** Facts of a file's text that a build needs of every file, kept by the build cache so that an unchanged file need not be read. */
export interface KnownText {
  sha: string;
  /** Whether the text holds "fleet" (see fleetCandidates). */
  mayBeFleet: boolean;
  /** Whether the text holds a suppression comment (see parseDirectives). */
  directives: boolean;
  /** Whether a directory walk takes the file for a policy (see isPolicyDocument). */
  policy: boolean;
}

/** The parsed repository plus the findings raised while reading it (syntax, schema). */
export interface Analysis {
  sources: SourceFile[];
  repo: Repo;
  /** Syntax and schema findings. */
  readFindings: Finding[];
}

export { finish, INHERITED_BY };

const CLUSTER_RULES = RULES.filter((r): r is ClusterRule => r.scope === 'cluster');
const REPO_RULES = RULES.filter((r): r is RepoRule => r.scope === 'repo');

function byPath<T extends { path: string }>(a: T, b: T): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

export interface Read {
  source: SourceFile;
  kind: DocumentKind;
  valid: boolean;
  findings: Finding[];
}

/** Parses and schema-checks one file (see parseSource for `astNeeded`). */
function read(input: PolicyInput, astNeeded = false): Read {
  const source = parseSource(input.path, input.text, astNeeded);
  if (source.syntaxErrors.length > 0) {
    const findings = source.syntaxErrors.map(({ code, message, ...span }): Finding => ({
      ruleId: 'syntax',
      severity: 'error',
      file: source.path,
      message: `${message} (${code})`,
      ...span,
    }));
    return { source, kind: 'cluster', valid: false, findings };
  }
  const kind = documentKind(source.data);
  // why: a configuration file named on the command line is checked as one, and is no policy.
  const findings = kind === 'config' ? configProblems(source) : validateSchema(source);
  return { source, kind, valid: findings.length === 0, findings };
}

/** Files already read, by path and text: `diff` reads two revisions, where most files are the same. */
export type ReadCache = Map<string, Read>;

function cachedRead(input: PolicyInput, cache: ReadCache): Read {
  const key = `${input.path}\u0000${input.text}`;
  let r = cache.get(key);
  if (r === undefined) cache.set(key, (r = read(input)));
  return r;
}

/** The fleet in force: the first schema-valid fleet file by path. */
function pickFleet(valid: readonly SourceFile[]): { fleet?: FleetPolicy; fleetFiles: SourceFile[] } {
  const fleetFiles = valid.filter((s) => documentKind(s.data) === 'fleet').sort(byPath);
  return { fleet: fleetFiles[0] ? resolveFleet(fleetFiles[0]) : undefined, fleetFiles };
}

/**
 * Parses, validates and resolves a policy repository. Files with syntax or schema errors are
 * left out of `repo` (rules would only repeat those errors).
 */
export function analyze(inputs: readonly PolicyInput[], cache?: ReadCache): Analysis {
  const reads = [...inputs].sort(byPath).map((i) => (cache ? cachedRead(i, cache) : read(i)));
  const valid = reads.filter((r) => r.valid).map((r) => r.source);
  const { fleet, fleetFiles } = pickFleet(valid);
  const clusters = reads.filter((r) => r.valid && r.kind === 'cluster').map((r) => resolveCluster(r.source, fleet));
  return {
    sources: reads.map((r) => r.source),
    repo: { clusters, fleet, fleetFiles },
    readFindings: reads.flatMap((r) => r.findings),
  };
}

export function runClusterRules(clusters: readonly ClusterPolicy[], repo: Repo): Finding[] {
  const out: Finding[] = [];
  for (const c of clusters) for (const rule of CLUSTER_RULES) for (const r of rule.check(c, repo)) out.push(positionInCluster(c, rule.id, rule.severity, r));
  return out;
}

/**
 * Positions a finding of a rule that looked at one cluster. A finding placed in another file (a
 * value the cluster inherits from the fleet file) names the cluster as a related location, so
 * that the reader knows which cluster it breaks; `finish` groups such findings of several
 * clusters at one place into one.
 */
export function positionInCluster(cluster: ClusterPolicy, ruleId: string, severity: Severity, r: Report): Finding {
  if (r.file === cluster.file) return position(ruleId, severity, r);
  const inherited = { file: cluster.file, path: ['name'], message: `${INHERITED_BY}${cluster.name}` };
  return position(ruleId, severity, { ...r, related: [...(r.related ?? []), inherited] });
}

export function runRepoRules(repo: Repo): Finding[] {
  return REPO_RULES.flatMap((rule) => rule.check(repo).map((r) => position(rule.id, rule.severity, r)));
}

/** A repository-wide rule's finding with the identity of its report (see reportKey). */
export interface KeyedFinding {
  key: string;
  finding: Finding;
}

/**
 * A report's identity without its position: what it says and where by JSON path. A scoped cached
 * build (see scoped-build.ts) recognises the findings it must replace by it, having the data of
 * the files as they were, but not their text.
 */
export function reportKey(ruleId: string, r: Report): string {
  return JSON.stringify([ruleId, r.severity ?? null, r.file.path, r.path, r.target ?? null, r.message, r.hint ?? null, (r.related ?? []).map((x) => [x.file.path, x.path, x.message])]);
}

/** The keys of the repository-wide rules' reports, unpositioned. */
export function repoReportKeys(repo: Repo): string[] {
  return REPO_RULES.flatMap((rule) => rule.check(repo).map((r) => reportKey(rule.id, r)));
}

/** The repository-wide rules' findings, each with its report's key. */
export function runRepoRulesKeyed(repo: Repo): KeyedFinding[] {
  return REPO_RULES.flatMap((rule) => rule.check(repo).map((r) => ({ key: reportKey(rule.id, r), finding: position(rule.id, rule.severity, r) })));
}

/** Runs every static rule; returns findings with positions (not yet suppressed or sorted). */
export function runStaticRules(repo: Repo): Finding[] {
  return [...runClusterRules(repo.clusters, repo), ...runRepoRules(repo)];
}

/** Turns a rule's path-based report into a positioned finding. */
export function position(ruleId: string, severity: Severity, r: Report): Finding {
  const finding: Finding = { ruleId, severity: r.severity ?? severity, message: r.message, file: r.file.path, ...locateOnce(r.file, r.path, r.target) };
  if (r.hint) finding.hint = r.hint;
  if (r.related?.length) {
    finding.related = r.related.map((rel) => ({ file: rel.file.path, message: rel.message, ...locateOnce(rel.file, rel.path) }));
  }
  return finding;
}

export interface LintResult {
  findings: Finding[];
  analysis: Analysis;
  /**
   * Findings of the per-cluster step the caller had the shards run next to the rules (build:
   * what a target cannot express), de-duplicated; absent when no shards ran.
   */
  extraFindings?: Finding[];
  /** The repository-wide rules' findings, before grouping and suppression (when shards ran; the build cache keeps them). */
  repoFindings?: KeyedFinding[];
}

/** Extra per-cluster work a shard runs while the cluster's AST is at hand, e.g. compile notes. */
export type PerCluster = (cluster: ClusterPolicy, fleet: FleetPolicy | undefined) => Finding[];

/** `succession lint` as a function, in this thread: every finding for the given files, sorted. */
export function lint(inputs: readonly PolicyInput[]): LintResult {
  const analysis = analyze(inputs);
  const findings = finish([...analysis.readFindings, ...runStaticRules(analysis.repo)], analysis.sources);
  return { findings, analysis };
}

/** What a worker sends back for its share of the files: plain data only. */
export interface ShardResult {
  /** The fleet file the shard's cluster rules saw. */
  fleetPath: string | undefined;
  findings: Finding[];
  extraFindings: Finding[];
  valid: { path: string; kind: DocumentKind; data: unknown }[];
  /** Each input's findings: `findings.slice(from, to)` (a build cache keeps them per file). */
  files: { path: string; from: number; to: number }[];
}

/** The fleet in force among the files that may be fleet files (see fleetCandidates), and every valid fleet file. */
export function fleetOf(fleetInputs: readonly PolicyInput[]): { fleet?: FleetPolicy; fleetFiles: SourceFile[] } {
  return pickFleet(fleetInputs.map((i) => read(i)).filter((r) => r.valid).map((r) => r.source));
}

/**
 * The per-file half of lint for a share of the files: parse, schema, and the cluster rules,
 * which need nothing but the cluster and the fleet. `fleetInputs` are the files that may be
 * fleet files; each shard resolves the fleet from them itself (a YAML AST cannot cross threads).
 */
export function lintShard(inputs: readonly PolicyInput[], fleetInputs: readonly PolicyInput[], perCluster?: PerCluster, fleetRead = fleetOf(fleetInputs), astNeeded = false): ShardResult {
  const { fleet, fleetFiles } = fleetRead;
  const repoContext: Repo = { clusters: [], fleet, fleetFiles };
  const findings: Finding[] = [];
  const extraFindings: Finding[] = [];
  const valid: ShardResult['valid'] = [];
  const files: ShardResult['files'] = [];
  for (const input of inputs) {
    const from = findings.length;
    const r = read(input, astNeeded);
    findings.push(...r.findings);
    if (r.valid) {
      valid.push({ path: r.source.path, kind: r.kind, data: r.source.data });
      if (r.kind === 'cluster') {
        const cluster = resolveCluster(r.source, fleet);
        findings.push(...runClusterRules([cluster], repoContext));
        if (perCluster) extraFindings.push(...perCluster(cluster, fleet));
      }
    }
    files.push({ path: input.path, from, to: findings.length });
  }
  return { fleetPath: fleetFiles[0]?.path, findings, extraFindings, valid, files };
}

/**
 * Joins the shards: the repository-wide rules run here on sources whose AST is built only when a
 * finding needs a position in them.
 */
export function mergeShards(inputs: readonly PolicyInput[], shards: readonly ShardResult[]): LintResult {
  const texts = new Map(inputs.map((i) => [i.path, i.text]));
  const validFiles = shards
    .flatMap((s) => s.valid)
    .sort(byPath)
    .map((v) => ({ kind: v.kind, source: lazySource(v.path, texts.get(v.path) ?? '', v.data) }));
  const { fleet, fleetFiles } = pickFleet(validFiles.map((v) => v.source));
  const clusters = validFiles.filter((v) => v.kind === 'cluster').map((v) => resolveCluster(v.source, fleet));
  const repo: Repo = { clusters, fleet, fleetFiles };
  const byFile = new Map(validFiles.map((v) => [v.source.path, v.source]));
  const sources = [...inputs].sort(byPath).map((i) => byFile.get(i.path) ?? lazySource(i.path, i.text, undefined));
  let shardFindings = shards.flatMap((s) => s.findings);
  if (shards.some((s) => s.fleetPath !== fleetFiles[0]?.path)) {
    // why: a fleet file that fleetCandidates() missed (its kind spelled with YAML escapes) changes every cluster's defaults.
    const clusterRuleIds = new Set(CLUSTER_RULES.map((r) => r.id));
    shardFindings = [...shardFindings.filter((f) => !clusterRuleIds.has(f.ruleId)), ...runClusterRules(clusters, repo)];
  }
  const readFindings = shardFindings.filter((f) => f.ruleId === 'syntax' || f.ruleId === 'schema');
  const repoFindings = runRepoRulesKeyed(repo);
  const findings = finish([...shardFindings, ...repoFindings.map((k) => k.finding)], sources);
  return { findings, analysis: { sources, repo, readFindings }, extraFindings: distinctExtra(shards), repoFindings };
}

/**
 * The shards' extra findings, each once, sorted. A shard sends each once already, and one in the
 * file of a cluster it compiled can come from no other shard; only the others (in the fleet file)
 * are compared.
 */
function distinctExtra(shards: readonly ShardResult[]): Finding[] {
  const distinct: Finding[] = [];
  const shared = new Map<string, Finding>();
  for (const s of shards) {
    const own = new Set(s.valid.filter((v) => v.kind === 'cluster').map((v) => v.path));
    for (const f of s.extraFindings) {
      if (own.has(f.file)) distinct.push(f);
      else shared.set(`${f.file}\u0000${f.line}\u0000${f.column}\u0000${f.ruleId}\u0000${f.message}`, f);
    }
  }
  return [...distinct, ...shared.values()].sort(compareFindings);
}

/** The files that could be the fleet file (see mayBeFleet). */
export function fleetCandidates(inputs: readonly PolicyInput[]): PolicyInput[] {
  return inputs.filter(mayBeFleet);
}

/** Exit code for a set of findings: 1 when any is at or above the threshold, else 0. */
export function exitCodeFor(findings: readonly Finding[], failOn: Severity): 0 | 1 {
  return findings.some((f) => atLeast(f.severity, failOn)) ? 1 : 0;
}
