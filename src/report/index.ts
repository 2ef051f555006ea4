import type { Finding } from '../findings.js';
import { RULES } from '../rules/index.js';
import { formatGithub } from './github.js';
import { formatGitlab } from './gitlab.js';
import { formatJunit } from './junit.js';
import { formatJson } from './json.js';
import { formatSarif } from './sarif.js';
import { formatStylish } from './stylish.js';

export const FORMATS = ['stylish', 'json', 'sarif', 'github', 'junit', 'gitlab'] as const;
export type FormatName = (typeof FORMATS)[number];

export interface FormatOptions {
  color: boolean;
  filesChecked: number;
  version: string;
  /** For SARIF: the rules' documentation pages by id. */
  docs?: ReadonlyMap<string, string>;
  /** For SARIF and GitHub annotations: the repository root paths are made relative to (absolute). */
  root?: string;
  /** The directory relative finding paths are relative to. */
  cwd?: string;
  /** For stylish: every finding of the run, for the summary, when fewer are shown (--quiet). */
  totals?: readonly Finding[];
}

/** Renders findings in one of the output formats; pure. */
export function format(findings: readonly Finding[], name: FormatName, opts: FormatOptions): string {
  switch (name) {
    case 'stylish':
      return formatStylish(findings, { color: opts.color, ...(opts.totals ? { totals: opts.totals } : {}) });
    case 'json':
      return formatJson(findings, opts.filesChecked);
    case 'sarif':
      return formatSarif(findings, {
        version: opts.version,
        rules: RULES,
        ...(opts.docs ? { docs: opts.docs } : {}),
        ...(opts.root !== undefined ? { root: opts.root } : {}),
        ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
      });
    case 'github':
      return formatGithub(findings, opts.root !== undefined ? { dir: opts.root, cwd: opts.cwd ?? '.' } : undefined);
    case 'junit':
      return formatJunit(findings);
    case 'gitlab':
      return formatGitlab(findings, opts.root !== undefined ? { dir: opts.root, cwd: opts.cwd ?? '.' } : undefined);
  }
}
