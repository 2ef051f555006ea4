import type { Finding } from '../findings.js';

// why: workflow commands end at a newline and split properties at "," and ":"; GitHub's escaping rules.
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

const COMMAND = { error: 'error', warning: 'warning', info: 'notice' } as const;

/** GitHub Actions workflow commands: one annotation per finding. */
export function formatGithub(findings: readonly Finding[]): string {
  return findings
    .map((f) => {
      const props = [
        `file=${escapeProperty(f.file)}`,
        `line=${f.line}`,
        `endLine=${f.endLine}`,
        `col=${f.column}`,
        `endColumn=${f.endColumn}`,
        `title=${escapeProperty(`succession ${f.ruleId}`)}`,
      ].join(',');
      const text = f.hint ? `${f.message}\n${f.hint}` : f.message;
      return `::${COMMAND[f.severity]} ${props}::${escapeData(text)}\n`;
    })
    .join('');
}
