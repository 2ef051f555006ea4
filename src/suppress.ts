import { Parser } from 'yaml';
import type { Finding } from './findings.js';
import type { SourceFile } from './policy/source.js';
import { didYouMean } from './util/suggest.js';

/** A `# succession-disable-next-line` / `# succession-disable-file` comment. */
export interface Directive {
  kind: 'next-line' | 'file';
  rules: string[];
  reason: string | undefined;
  line: number;
  column: number;
  endColumn: number;
  /** For next-line: the first following line that is not blank or a comment. */
  targetLine: number | undefined;
}

const DIRECTIVE = /^#\s*succession-disable-(next-line|file)\b(.*)$/;
const CANDIDATE = /#\s*succession-disable-(?:next-line|file)\b/g;

/**
 * Rules whose findings cannot be suppressed: the input could not even be read as a policy, or
 * (hook-password-literal) a suppression would put a password into every generated engine config.
 */
export const UNSUPPRESSIBLE = new Set(['syntax', 'schema', 'suppression-without-reason', 'unused-suppression', 'hook-password-literal']);

/** What every suppression comment holds: a text without it has none. */
export const DIRECTIVE_MARK = 'succession-disable-';

export function parseDirectives(text: string): Directive[] {
  if (!text.includes(DIRECTIVE_MARK)) return [];
  const lines = text.split(/\r?\n/);
  const lineStarts = [0, ...[...text.matchAll(/\r?\n/g)].map((b) => b.index! + b[0].length)];
  const comments = commentRanges(text);
  const out: Directive[] = [];
  lines.forEach((line, i) => {
    // why: only a real comment is a directive, not the same text inside a quoted or block scalar.
    const start = [...line.matchAll(CANDIDATE)]
      .map((c) => c.index!)
      .find((col) => comments.some(([from, to]) => from <= lineStarts[i]! + col && lineStarts[i]! + col < to));
    if (start === undefined) return;
    const m = DIRECTIVE.exec(line.slice(start))!;
    const [body = '', reasonText] = splitOnce(m[2]!, '--');
    const rules = body.split(/[\s,]+/).filter(Boolean);
    let targetLine: number | undefined;
    if (m[1] === 'next-line') {
      for (let j = i + 1; j < lines.length; j++) {
        const indent = lines[j]!.search(/\S/);
        if (indent < 0) continue;
        // why: a line of a block scalar may start with "#" too; only a real comment line is skipped.
        const at = lineStarts[j]! + indent;
        if (comments.some(([from, to]) => from <= at && at < to)) continue;
        targetLine = j + 1;
        break;
      }
    }
    const reason = reasonText?.trim();
    out.push({
      kind: m[1] as Directive['kind'],
      rules,
      reason: reason ? reason : undefined,
      line: i + 1,
      column: start + 1,
      endColumn: line.length + 1,
      targetLine,
    });
  });
  return out;
}

/** Start and end offsets of every comment, from yaml's concrete syntax tree. */
function commentRanges(text: string): [number, number][] {
  const out: [number, number][] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) visit(n);
    } else if (typeof node === 'object' && node !== null) {
      const t = node as { type?: unknown; offset?: unknown; source?: unknown };
      if (t.type === 'comment' && typeof t.offset === 'number' && typeof t.source === 'string') out.push([t.offset, t.offset + t.source.length]);
      else for (const v of Object.values(node)) visit(v);
    }
  };
  for (const token of new Parser().parse(text)) visit(token);
  return out;
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + sep.length)];
}

/**
 * Removes suppressed findings and adds findings for directives without a reason and for
 * directives (or rule names in them) that suppressed nothing.
 */
export function applySuppressions(findings: Finding[], sources: readonly SourceFile[], knownRules: ReadonlySet<string>): Finding[] {
  const byFile = new Map(sources.map((s) => [s.path, parseDirectives(s.text)]));
  const used = new Set<string>();
  const kept = findings.filter((f) => {
    if (UNSUPPRESSIBLE.has(f.ruleId)) return true;
    const directives = byFile.get(f.file) ?? [];
    let suppressed = false;
    for (const d of directives) {
      if (!d.rules.includes(f.ruleId)) continue;
      if (d.kind === 'file' || d.targetLine === f.line) {
        used.add(`${f.file}:${d.line}:${f.ruleId}`);
        suppressed = true;
      }
    }
    return !suppressed;
  });
  for (const [file, directives] of byFile) {
    for (const d of directives) {
      const at = { file, line: d.line, column: d.column, endLine: d.line, endColumn: d.endColumn };
      if (d.reason === undefined) {
        kept.push({
          ...at,
          ruleId: 'suppression-without-reason',
          severity: 'error',
          message: `succession-disable-${d.kind} needs a reason: add "-- <why this is safe>".`,
        });
      }
      if (d.rules.length === 0) {
        kept.push({ ...at, ruleId: 'unused-suppression', severity: 'warning', message: `succession-disable-${d.kind} names no rule.` });
      }
      for (const rule of d.rules) {
        if (used.has(`${file}:${d.line}:${rule}`)) continue;
        let message: string;
        if (!knownRules.has(rule)) message = `"${rule}" is not a succession rule.${didYouMean(rule, knownRules)}`;
        else if (UNSUPPRESSIBLE.has(rule)) message = `"${rule}" findings cannot be suppressed.`;
        else if (d.kind === 'next-line' && d.targetLine === undefined) message = `succession-disable-next-line ${rule} has no line after it.`;
        else message = `Unused suppression: no "${rule}" finding ${d.kind === 'file' ? 'in this file' : `on line ${d.targetLine}`}.`;
        kept.push({ ...at, ruleId: 'unused-suppression', severity: 'warning', message, hint: 'Remove the comment.' });
      }
    }
  }
  return kept;
}
