import { createHash } from 'node:crypto';
import type { Finding } from '../findings.js';
import { inRepository, type RepositoryRoot } from './root.js';

const SEVERITY = { error: 'major', warning: 'minor', info: 'info' } as const;

/**
 * GitLab's Code Quality report (a JSON array of issues, as its merge-request widget reads it):
 * paths relative to the repository root, a fingerprint that stays when a finding moves to
 * another line (rule, file, message, and which of several identical ones it is).
 */
export function formatGitlab(findings: readonly Finding[], root?: RepositoryRoot): string {
  const path = (file: string): string => (root && inRepository(file, root)) ?? file;
  const seen = new Map<string, number>();
  const issues = findings.map((f) => {
    const key = `${f.ruleId}\0${path(f.file)}\0${f.message}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    return {
      type: 'issue',
      check_name: f.ruleId,
      description: f.hint ? `${f.message} ${f.hint}` : f.message,
      categories: ['Bug Risk'],
      severity: SEVERITY[f.severity],
      fingerprint: createHash('md5').update(`${key}\0${n}`).digest('hex'),
      location: { path: path(f.file), lines: { begin: f.line, end: Math.max(f.line, f.endLine) } },
    };
  });
  return `${JSON.stringify(issues, null, 2)}\n`;
}
