import { position } from '../lint.js';
import type { ClusterPolicy } from '../policy/model.js';
import type { UnplacedNote } from './unplaced-note.js';
import type { CompileReport } from './artifact.js';
import { findingKey, reportSeverity } from './index.js';

/**
 * Splits a cluster's compile reports into its info notes in its own file, left unpositioned, and
 * the others. The notes are de-duplicated as positioned findings are (findingKey: one rule and
 * message at one place): two reports that differ in both are distinct wherever they point, and
 * those that share them are positioned here to tell whether they point at the same place (a
 * cluster's notes name what they are about, so this is rare).
 */
export function splitOwnNotes(cluster: ClusterPolicy, reports: readonly CompileReport[]): { others: CompileReport[]; notes: UnplacedNote[] } {
  const others: CompileReport[] = [];
  const byText = new Map<string, CompileReport[]>();
  for (const r of reports) {
    if (r.report.file !== cluster.file || reportSeverity(r) !== 'info') {
      others.push(r);
      continue;
    }
    const text = `${r.ruleId}\u0000${r.report.message}`;
    const same = byText.get(text);
    if (same === undefined) byText.set(text, [r]);
    else same.push(r);
  }
  const notes: UnplacedNote[] = [];
  const at = (r: CompileReport) => JSON.stringify([r.report.path, r.report.target ?? 'value']);
  for (const same of byText.values()) {
    const first = same[0]!;
    // why: reports at one JSON path are at one place; only reports at several need their positions (a parse) to tell.
    if (same.length === 1 || same.every((r) => at(r) === at(first))) {
      notes.push(unplaced(first));
      continue;
    }
    const places = new Set<string>();
    for (const r of same) {
      const key = findingKey(position(r.ruleId, reportSeverity(r), r.report));
      if (places.has(key)) continue;
      places.add(key);
      notes.push(unplaced(r));
    }
  }
  return { others, notes };
}

function unplaced(r: CompileReport): UnplacedNote {
  const { file, path, target, message, hint, related } = r.report;
  return {
    ruleId: r.ruleId,
    severity: reportSeverity(r),
    file: file.path,
    path,
    message,
    ...(target === undefined ? {} : { target }),
    ...(hint === undefined ? {} : { hint }),
    ...(related?.length ? { related: related.map((x) => ({ file: x.file.path, path: x.path, message: x.message })) } : {}),
  };
}
