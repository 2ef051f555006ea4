import type { Finding } from '../findings.js';

export interface StylishOptions {
  color: boolean;
}

const STYLE = { red: 31, yellow: 33, blue: 34, dim: 2, bold: 1, underline: 4 } as const;

/** Human output: findings grouped by file, then a one-line summary. */
export function formatStylish(findings: readonly Finding[], opts: StylishOptions): string {
  const paint = (style: keyof typeof STYLE, text: string) => (opts.color ? `\u001b[${STYLE[style]}m${text}\u001b[0m` : text);
  const lines: string[] = [];
  let file: string | undefined;
  for (const f of findings) {
    if (f.file !== file) {
      if (file !== undefined) lines.push('');
      file = f.file;
      lines.push(paint('underline', f.file));
    }
    const sev = f.severity === 'error' ? paint('red', 'error  ') : f.severity === 'warning' ? paint('yellow', 'warning') : paint('blue', 'info   ');
    lines.push(`  ${paint('dim', `${f.line}:${f.column}`.padEnd(7))} ${sev}  ${f.message}  ${paint('dim', f.ruleId)}`);
    if (f.hint) lines.push(`          ${paint('dim', `hint: ${f.hint}`)}`);
    for (const r of f.related ?? []) lines.push(`          ${paint('dim', `↳ ${r.file}:${r.line}:${r.column} ${r.message}`)}`);
  }
  if (findings.length === 0) return '';
  const count = (s: Finding['severity']) => findings.filter((f) => f.severity === s).length;
  const [e, w, i] = [count('error'), count('warning'), count('info')];
  const summary = `${findings.length} problem${findings.length === 1 ? '' : 's'} (${e} error${e === 1 ? '' : 's'}, ${w} warning${w === 1 ? '' : 's'}, ${i} info)`;
  lines.push('', paint('bold', paint(e > 0 ? 'red' : w > 0 ? 'yellow' : 'blue', `✖ ${summary}`)), '');
  return lines.join('\n');
}
