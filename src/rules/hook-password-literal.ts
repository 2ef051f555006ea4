import { defineRule, type Report } from './rule.js';
import { HOOK_NAMES } from '../policy/model.js';
import { secretSpans } from '../policy/hook-secrets.js';
import type { SourceFile } from '../policy/source.js';
import type { JsonPath } from '../policy/locate.js';

function checkHooks(file: SourceFile, base: JsonPath, hooks: unknown): Report[] {
  if (typeof hooks !== 'object' || hooks === null) return [];
  const reports: Report[] = [];
  for (const name of HOOK_NAMES) {
    const list = (hooks as Record<string, unknown>)[name];
    if (!Array.isArray(list)) continue;
    list.forEach((command, i) => {
      if (typeof command !== 'string') return;
      // why: one finding per command; the message names how each password is passed, never the password.
      const carriers = [...new Set(secretSpans(command).map((s) => (s.kind.endsWith('=…') ? `${s.carrier}=…` : s.kind)))];
      if (carriers.length === 0) return;
      reports.push({
        file,
        path: [...base, name, i],
        message: `This ${name} hook passes a password on its command line (${carriers.join(', ')}): it would be written into every engine config that runs the hook and be visible in the process list.`,
        hint: 'Let the command read it from a file only its user can read (`--defaults-extra-file=/etc/mysql/hook.cnf`, a netrc file) or from the environment the engine runs in (`$MYSQL_PWD`).',
      });
    });
  }
  return reports;
}

export default defineRule({
  id: 'hook-password-literal',
  severity: 'error',
  description: 'A hook command holds a password (`-p…`, `--password=…`, `MYSQL_PWD=…`, `user:password@` in a URL) that would be written into the engine configs.',
  scope: 'repo',
  check(repo) {
    const reports = repo.clusters.flatMap((c) => checkHooks(c.file, ['hooks'], (c.file.data as { hooks?: unknown }).hooks));
    if (repo.fleet) {
      const defaults = (repo.fleet.file.data as { defaults?: { hooks?: unknown } }).defaults;
      reports.push(...checkHooks(repo.fleet.file, ['defaults', 'hooks'], defaults?.hooks));
    }
    return reports;
  },
});
