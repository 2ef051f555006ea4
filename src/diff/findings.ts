import { compareFindings, type Finding } from '../findings.js';
import { finish, INHERITED_BY, runClusterRules, runRepoRules, type Analysis } from '../lint.js';

/**
 * The lint findings of a repository, with the cluster rules run only for `clusters` (by name): a
 * cluster whose inputs and file are the same on both sides has the same findings on both, so only
 * the others are worth the time. Repository-wide rules always run.
 */
export function findingsOf(analysis: Analysis, clusters: ReadonlySet<string>): Finding[] {
  const { repo } = analysis;
  const mine = repo.clusters.filter((c) => clusters.has(c.name));
  return finish([...analysis.readFindings, ...runClusterRules(mine, repo), ...runRepoRules(repo)], analysis.sources);
}

/** The clusters a finding is about: the cluster of its file, and those it names as inheriting a fleet value. */
export function clustersOf(f: Finding, byFile: ReadonlyMap<string, string>): string[] {
  const named = (f.related ?? []).filter((r) => r.message.startsWith(INHERITED_BY)).map((r) => r.message.slice(INHERITED_BY.length).split(':')[0]!);
  const own = byFile.get(f.file);
  return [...new Set([...(own === undefined ? [] : [own]), ...named])];
}

// why: lines move when anything above them changes; a finding is the same finding when its rule, file and words are.
const identity = (f: Finding) => [f.ruleId, f.severity, f.file, f.message].join('\u0000');

/** Findings only in `after` (added) and only in `before` (resolved). */
export function findingChanges(before: readonly Finding[], after: readonly Finding[]): { added: Finding[]; resolved: Finding[] } {
  const b = new Set(before.map(identity));
  const a = new Set(after.map(identity));
  return { added: after.filter((f) => !b.has(identity(f))).sort(compareFindings), resolved: before.filter((f) => !a.has(identity(f))).sort(compareFindings) };
}
