import { atLeast, compareFindings, type Finding, type Severity } from './findings.js';
import { locate } from './policy/locate.js';
import { documentKind, validateSchema } from './policy/schema.js';
import { resolveCluster, resolveFleet } from './policy/resolve.js';
import { parseSource, type SourceFile } from './policy/source.js';
import { RULES, RULES_BY_ID } from './rules/index.js';
import type { Repo, Report } from './rules/rule.js';
import { applySuppressions } from './suppress.js';

/** One input file: its display path and its text. */
export interface PolicyInput {
  path: string;
  text: string;
}

/** The parsed repository plus the findings raised while reading it (syntax, schema). */
export interface Analysis {
  sources: SourceFile[];
  repo: Repo;
  /** Syntax and schema findings. */
  readFindings: Finding[];
}

/**
 * Parses, validates and resolves a policy repository. Files with syntax or schema errors are
 * left out of `repo` (rules would only repeat those errors).
 */
export function analyze(inputs: readonly PolicyInput[]): Analysis {
  const sources = [...inputs].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map((i) => parseSource(i.path, i.text));
  const readFindings: Finding[] = [];
  const valid: SourceFile[] = [];
  for (const s of sources) {
    if (s.syntaxErrors.length > 0) {
      for (const e of s.syntaxErrors) {
        const { code, message, ...span } = e;
        readFindings.push({ ruleId: 'syntax', severity: 'error', file: s.path, message: `${message} (${code})`, ...span });
      }
      continue;
    }
    const schemaFindings = validateSchema(s);
    readFindings.push(...schemaFindings);
    if (schemaFindings.length === 0) valid.push(s);
  }
  const fleetFiles = valid.filter((s) => documentKind(s.data) === 'fleet');
  const fleet = fleetFiles[0] ? resolveFleet(fleetFiles[0]) : undefined;
  const clusters = valid.filter((s) => documentKind(s.data) === 'cluster').map((s) => resolveCluster(s, fleet));
  return { sources, repo: { clusters, fleet, fleetFiles }, readFindings };
}

/** Runs every static rule; returns findings with positions (not yet suppressed or sorted). */
export function runStaticRules(repo: Repo): Finding[] {
  const out: Finding[] = [];
  for (const rule of RULES) {
    if (rule.scope === 'cluster') {
      for (const c of repo.clusters) out.push(...rule.check(c, repo).map((r) => position(rule.id, rule.severity, r)));
    } else if (rule.scope === 'repo') {
      out.push(...rule.check(repo).map((r) => position(rule.id, rule.severity, r)));
    }
  }
  return out;
}

/** Turns a rule's path-based report into a positioned finding. */
export function position(ruleId: string, severity: Severity, r: Report): Finding {
  const finding: Finding = { ruleId, severity, message: r.message, file: r.file.path, ...locate(r.file, r.path, r.target) };
  if (r.hint) finding.hint = r.hint;
  if (r.related?.length) {
    finding.related = r.related.map((rel) => ({ file: rel.file.path, message: rel.message, ...locate(rel.file, rel.path) }));
  }
  return finding;
}

/** Applies suppressions and sorts: the last step before formatting. */
export function finish(findings: Finding[], sources: readonly SourceFile[]): Finding[] {
  return applySuppressions(findings, sources, new Set(RULES_BY_ID.keys())).sort(compareFindings);
}

export interface LintResult {
  findings: Finding[];
  analysis: Analysis;
}

/** `succession lint` as a function: every finding for the given files, sorted. */
export function lint(inputs: readonly PolicyInput[]): LintResult {
  const analysis = analyze(inputs);
  const findings = finish([...analysis.readFindings, ...runStaticRules(analysis.repo)], analysis.sources);
  return { findings, analysis };
}

/** Exit code for a set of findings: 1 when any is at or above the threshold, else 0. */
export function exitCodeFor(findings: readonly Finding[], failOn: Severity): 0 | 1 {
  return findings.some((f) => atLeast(f.severity, failOn)) ? 1 : 0;
}
