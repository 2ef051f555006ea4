import type { Finding } from '../findings.js';
import { terminalText as t } from '../util/terminal-text.js';

export interface StylishOptions {
  color: boolean;
}

const STYLE = { red: 31, yellow: 33, blue: 34, dim: 2, bold: 1, underline: 4 } as const;

/**
 * Human output: findings grouped by file, then a one-line summary. File names and messages carry
 * values from policies and file systems: they are rendered with terminalText, so that none can
 * start a line of its own or control the terminal.
 */
export function formatStylish(findings: readonly Finding[], opts: StylishOptions): string {
  const paint = (style: keyof typeof STYLE, text: string) => (opts.color ? `\u001b[${STYLE[style]}m${text}\u001b[0m` : text);
  const lines: string[] = [];
  let file: string | undefined;
  for (const f of findings) {
    if (f.file !== file) {
      if (file !== undefined) lines.push('');
      file = f.file;
      lines.push(paint('underline', t(f.file)));
    }
    const sev = f.severity === 'error' ? paint('red', 'error  ') : f.severity === 'warning' ? paint('yellow', 'warning') : paint('blue', 'info   ');
    lines.push(`  ${paint('dim', `${f.line}:${f.column}`.padEnd(7))} ${sev}  ${t(f.message)}  ${paint('dim', t(f.ruleId))}`);
    if (f.hint) lines.push(`          ${paint('dim', `hint: ${t(f.hint)}`)}`);
    for (const r of f.related ?? []) lines.push(`          ${paint('dim', `↳ ${t(r.file)}:${r.line}:${r.column} ${t(r.message)}`)}`);
  }
  if (findings.length === 0) return '';
  const count = (s: Finding['severity']) => findings.filter((f) => f.severity === s).length;
  const [e, w, i] = [count('error'), count('warning'), count('info')];
  const summary = `${findings.length} problem${findings.length === 1 ? '' : 's'} (${e} error${e === 1 ? '' : 's'}, ${w} warning${w === 1 ? '' : 's'}, ${i} info)`;
  lines.push('', paint('bold', paint(e > 0 ? 'red' : w > 0 ? 'yellow' : 'blue', `✖ ${summary}`)), '');
  return lines.join('\n');
}
