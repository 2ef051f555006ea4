import type { Finding } from '../findings.js';

/** Machine output, versioned so consumers can detect changes of shape. */
export function formatJson(findings: readonly Finding[], filesChecked: number): string {
  const count = (s: Finding['severity']) => findings.filter((f) => f.severity === s).length;
  const body = {
    version: 1,
    summary: { files: filesChecked, errors: count('error'), warnings: count('warning'), infos: count('info') },
    findings,
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}
