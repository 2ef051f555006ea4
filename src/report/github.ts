import type { Finding } from '../findings.js';
import { terminalText } from '../util/terminal-text.js';

// why: workflow commands end at a newline and split properties at "," and ":"; GitHub's escaping rules.
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * A file name as GitHub must read it back: line breaks are carried exactly (escaped as GitHub
 * decodes them); every other control, format or bidi character is shown as an escape, since
 * GitHub would pass it raw into the log.
 */
function fileProperty(file: string): string {
  return escapeProperty(
    file
      .split(/([\r\n])/)
      .map((part, i) => (i % 2 === 1 ? part : terminalText(part)))
      .join(''),
  );
}

const COMMAND = { error: 'error', warning: 'warning', info: 'notice' } as const;

/** GitHub Actions workflow commands: one annotation per finding. */
export function formatGithub(findings: readonly Finding[]): string {
  return findings
    .map((f) => {
      const props = [
        `file=${fileProperty(f.file)}`,
        `line=${f.line}`,
        `endLine=${f.endLine}`,
        `col=${f.column}`,
        `endColumn=${f.endColumn}`,
        `title=${escapeProperty(terminalText(`succession ${f.ruleId}`))}`,
      ].join(',');
      // why: the one line break is ours (message, then hint); the values inside each may not add more.
      const text = f.hint ? `${terminalText(f.message)}\n${terminalText(f.hint)}` : terminalText(f.message);
      return `::${COMMAND[f.severity]} ${props}::${escapeData(text)}\n`;
    })
    .join('');
}
