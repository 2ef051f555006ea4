import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PACKAGE_ROOT } from '../paths.js';
import { RULES } from '../rules/index.js';

const DOCS_DIR = new URL('docs/rules/', PACKAGE_ROOT);

/** A rule's documentation page as installed, or undefined when it is missing. */
export function ruleDoc(id: string): string | undefined {
  try {
    return readFileSync(new URL(`${id}.md`, DOCS_DIR), 'utf8');
  } catch {
    return undefined;
  }
}

/** Every rule's page, by id (for SARIF's rule help). */
export function ruleDocs(): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of RULES) {
    const page = ruleDoc(r.id);
    if (page !== undefined) out.set(r.id, page);
  }
  return out;
}

/**
 * The root of the repository being checked, which SARIF paths are relative to: GITHUB_WORKSPACE
 * inside GitHub Actions (where code scanning resolves them), else the nearest directory at or
 * above `cwd` that holds `.git`, else `cwd`.
 */
export function repositoryRoot(cwd: string, env: NodeJS.ProcessEnv): string {
  if (env.GITHUB_WORKSPACE) return resolve(env.GITHUB_WORKSPACE);
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return resolve(cwd);
  }
}
