import { compareFindings, type Finding, type RelatedLocation } from './findings.js';
import type { SourceFile } from './policy/source.js';
import { RULES_BY_ID } from './rules/index.js';
import { applySuppressions } from './suppress.js';

// The last step before formatting: findings of several clusters at one place grouped into one,
// suppression comments applied, sorted.

/** The message of the related location that names the cluster a fleet-file finding is about. */
export const INHERITED_BY = 'inherited by cluster ';

/** Groups, applies suppressions and sorts: the last step before formatting. */
export function finish(findings: Finding[], sources: readonly SourceFile[]): Finding[] {
  return applySuppressions(group(findings), sources, new Set(RULES_BY_ID.keys())).sort(compareFindings);
}

/**
 * One finding for each place: a fleet default that breaks every cluster is reported once at its
 * line, not once per cluster. Each cluster it breaks is a related location; where the finding
 * reads differently for a cluster (it names the cluster's hosts), that related location carries
 * the cluster's own message, so nothing is lost. Other findings are merged only when identical.
 */
function group(findings: readonly Finding[]): Finding[] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const inherited = f.related?.some((r) => r.message.startsWith(INHERITED_BY)) ?? false;
    const place = [f.ruleId, f.severity, f.file, f.line, f.column, f.endLine, f.endColumn, ...(inherited ? [] : [f.message, f.hint ?? ''])].join('\u0000');
    const members = groups.get(place);
    if (members) members.push(f);
    else groups.set(place, [f]);
  }
  return [...groups.values()].map((members) => (members.length === 1 ? members[0]! : merge(members)));
}

/** One finding for several at one place, decided by content only (shards deliver them in any order). */
function merge(members: Finding[]): Finding {
  const cluster = (f: Finding) => f.related?.find((r) => r.message.startsWith(INHERITED_BY));
  const sorted = [...members].sort((a, b) => compareRelated(cluster(a) ?? a, cluster(b) ?? b) || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
  const base = sorted[0]!;
  const related = new Map<string, RelatedLocation>();
  for (const f of sorted) {
    for (const r of f.related ?? []) {
      const own = f.message !== base.message && r === cluster(f) ? { ...r, message: `${r.message}: ${f.message}` } : r;
      related.set(`${own.file}\u0000${own.line}\u0000${own.column}\u0000${own.message}`, own);
    }
  }
  if (related.size === 0) return base;
  return { ...base, related: [...related.values()].sort(compareRelated) };
}

function compareRelated(a: RelatedLocation, b: RelatedLocation): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0);
}

