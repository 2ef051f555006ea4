import type { Span } from '../findings.js';
import { CMON_MANAGED_KEYS, cnfValue, type CmonEntry } from './cmon.js';

/** A problem in the file being merged into, at a line of that file. */
export interface MergeProblem extends Span {
  message: string;
  related?: (Span & { message: string })[];
}

export interface MergeResult {
  /** The merged file; undefined when a problem makes merging unsafe. */
  bytes?: Buffer;
  problems: MergeProblem[];
}

// why: blanks are ASCII only; the file is handled as latin1 (one character per byte), where \s would also match the byte 0xA0.
const KEY_LINE = /^([ \t]*)([A-Za-z0-9_]+)[ \t]*=/;
const COMMENT_LINE = /^[ \t]*[#;]/;

/** Canonical managed keys a written key stands for (an alias may stand for several). */
function canonicalKeys(written: string): string[] {
  return Object.entries(CMON_MANAGED_KEYS)
    .filter(([key, aliases]) => key === written || aliases.includes(written))
    .map(([key]) => key);
}

/** The `cluster_id` written in a cmon file, if exactly one line sets it. */
export function cnfClusterId(file: Buffer): string | undefined {
  const ids = file
    .toString('latin1')
    .split('\n')
    .map((l) => /^[ \t]*cluster_id[ \t]*=[ \t]*'?([0-9]+)'?[ \t]*$/.exec(l.replace(/\r$/, ''))?.[1])
    .filter((v): v is string => v !== undefined);
  return ids.length === 1 ? ids[0] : undefined;
}

/**
 * Updates the keys succession manages inside an existing `cmon_<id>.cnf` and keeps every other
 * line (comments, credentials, SSH settings) byte for byte. A managed key is replaced where it
 * stands; one the policy no longer sets (a blacklist once a whitelist exists, a removed hook) is
 * removed; a new one is appended. A managed key written twice (or under two aliases) is reported,
 * never collapsed: cmon's choice between them is not documented.
 *
 * The file is handled as bytes (latin1, one character per byte), so a comment in another encoding
 * than UTF-8 stays byte for byte; line ends (LF or CRLF) and a missing final newline are kept, and
 * appended lines use the file's own line end.
 */
export function mergeCnf(existing: Buffer, entries: readonly CmonEntry[]): MergeResult {
  const desired = new Map<string, string>();
  for (const e of entries) {
    if (!(e.key in CMON_MANAGED_KEYS)) continue;
    const v = cnfValue(e.value);
    if (v !== undefined) desired.set(e.key, Buffer.from(v, 'utf8').toString('latin1'));
  }
  const text = existing.toString('latin1');
  const lines = text.split('\n');
  const trailingNewline = lines.at(-1) === '';
  if (trailingNewline) lines.pop();
  const firstBreak = text.indexOf('\n');
  const eol = firstBreak > 0 && text[firstBreak - 1] === '\r' ? '\r\n' : '\n';

  const seen = new Map<string, { line: number; written: string; column: number; end: number }>();
  const problems: MergeProblem[] = [];
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    const m = KEY_LINE.exec(line);
    if (!m || COMMENT_LINE.test(line)) return;
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
    const keys = m && !COMMENT_LINE.test(line) ? canonicalKeys(m[2]!) : [];
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
  const appended = [...desired].filter(([key]) => !placed.has(key)).map(([key, value]) => `${key}=${value}`);
  let merged = out.join('\n');
  if (appended.length === 0) merged += trailingNewline && out.length > 0 ? '\n' : '';
  else {
    // why: the last kept line has its line break only when the file ended with one; raw lines keep their own \r.
    if (out.length > 0) merged += trailingNewline ? '\n' : eol;
    merged += appended.join(eol) + (trailingNewline ? eol : '');
  }
  return { bytes: Buffer.from(merged, 'latin1'), problems: [] };
}
