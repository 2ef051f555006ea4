import type { Span } from '../findings.js';
import { CMON_MANAGED_KEYS, cnfValue, type CmonEntry } from './cmon.js';

/** A problem in the file being merged into, at a line of that file. */
export interface MergeProblem extends Span {
  message: string;
  related?: (Span & { message: string })[];
}

export interface MergeResult {
  /** The merged text; undefined when a problem makes merging unsafe. */
  text?: string;
  problems: MergeProblem[];
}

const KEY_LINE = /^(\s*)([A-Za-z0-9_]+)\s*=/;

/** Canonical managed keys a written key stands for (an alias may stand for several). */
function canonicalKeys(written: string): string[] {
  return Object.entries(CMON_MANAGED_KEYS)
    .filter(([key, aliases]) => key === written || aliases.includes(written))
    .map(([key]) => key);
}

/** The `cluster_id` written in a cmon file, if exactly one line sets it. */
export function cnfClusterId(text: string): string | undefined {
  const ids = text
    .split('\n')
    .map((l) => /^\s*cluster_id\s*=\s*'?([0-9]+)'?\s*$/.exec(l.replace(/\r$/, ''))?.[1])
    .filter((v): v is string => v !== undefined);
  return ids.length === 1 ? ids[0] : undefined;
}

/**
 * Updates the keys succession manages inside an existing `cmon_<id>.cnf` and keeps every other
 * line (comments, credentials, SSH settings) byte for byte. A managed key is replaced where it
 * stands; one the policy no longer sets (a blacklist once a whitelist exists, a removed hook) is
 * removed; a new one is appended. A managed key written twice (or under two aliases) is reported,
 * never collapsed: cmon's choice between them is not documented.
 */
export function mergeCnf(existing: string, entries: readonly CmonEntry[]): MergeResult {
  const desired = new Map<string, string>();
  for (const e of entries) {
    if (!(e.key in CMON_MANAGED_KEYS)) continue;
    const v = cnfValue(e.value);
    if (v !== undefined) desired.set(e.key, v);
  }
  const lines = existing.split('\n');
  const trailingNewline = lines.at(-1) === '';
  if (trailingNewline) lines.pop();

  const seen = new Map<string, { line: number; written: string; column: number; end: number }>();
  const problems: MergeProblem[] = [];
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    const m = KEY_LINE.exec(line);
    if (!m || /^\s*[#;]/.test(line)) return;
    const written = m[2]!;
    const column = m[1]!.length + 1;
    const here = { line: i + 1, written, column, end: column + written.length };
    for (const key of canonicalKeys(written)) {
      const first = seen.get(key);
      if (!first) {
        seen.set(key, here);
        continue;
      }
      problems.push({
        line: here.line,
        column,
        endLine: here.line,
        endColumn: here.end,
        message: `${written} sets ${key} again (first set by ${first.written} on line ${first.line}); succession manages ${key} and will not guess which line cmon uses.`,
        related: [{ line: first.line, column: first.column, endLine: first.line, endColumn: first.end, message: `${first.written} first set here` }],
      });
    }
  });
  const wantedId = desired.get('cluster_id');
  const id = cnfClusterId(existing);
  if (id !== undefined && wantedId !== undefined && id !== wantedId) {
    const at = seen.get('cluster_id')!;
    problems.push({
      line: at.line,
      column: at.column,
      endLine: at.line,
      endColumn: at.end,
      message: `this file is for cluster_id ${id}, but the policy compiles to cluster_id ${wantedId}.`,
    });
  }
  if (problems.length > 0) return { problems };

  const placed = new Set<string>();
  const out: string[] = [];
  lines.forEach((raw, i) => {
    const cr = raw.endsWith('\r') ? '\r' : '';
    const line = cr ? raw.slice(0, -1) : raw;
    const m = KEY_LINE.exec(line);
    const keys = m && !/^\s*[#;]/.test(line) ? canonicalKeys(m[2]!) : [];
    if (keys.length === 0 || seen.get(keys[0]!)?.line !== i + 1) {
      out.push(raw);
      return;
    }
    // why: an alias standing for several keys (enable_autorecovery) cannot carry two values.
    if (keys.length > 1) return;
    const key = keys[0]!;
    const value = desired.get(key);
    if (value === undefined) return;
    out.push(`${m![1]}${m![2]}=${value}${cr}`);
    placed.add(key);
  });
  for (const [key, value] of desired) if (!placed.has(key)) out.push(`${key}=${value}`);
  return { text: `${out.join('\n')}${trailingNewline || out.length > 0 ? '\n' : ''}`, problems: [] };
}
