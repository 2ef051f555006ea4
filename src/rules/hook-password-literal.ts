import { defineRule, type Report } from './rule.js';
import { secretSpans } from '../policy/hook-secrets.js';
import { hookCommands } from '../policy/hook-commands.js';

export default defineRule({
  id: 'hook-password-literal',
  severity: 'error',
  description: 'A hook command holds a password (`-p…`, `--password=…`, `MYSQL_PWD=…`, `user:password@` in a URL) that would be written into the engine configs.',
  scope: 'repo',
  check(repo) {
    return hookCommands(repo).flatMap(({ file, path, event, command }): Report[] => {
      // why: one finding per command; the message names how each password is passed, never the password.
      const carriers = [...new Set(secretSpans(command).map((s) => (s.kind.endsWith('=…') ? `${s.carrier}=…` : s.kind)))];
      if (carriers.length === 0) return [];
      return [
        {
          file,
          path,
          message: `This ${event} hook passes a password on its command line (${carriers.join(', ')}): it would be written into every engine config that runs the hook and be visible in the process list.`,
          hint: 'Let the command read it from a file only its user can read (`--defaults-extra-file=/etc/mysql/hook.cnf`, a netrc file) or from the environment the engine runs in (`$MYSQL_PWD`).',
        },
      ];
    });
  },
});
