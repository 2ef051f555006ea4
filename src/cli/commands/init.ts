import { lstatSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { GENERATED_DIR, scaffold } from '../../init.js';
import { errnoText } from '../../util/errno.js';
import { UsageError, writeOut } from '../io.js';
import { writeAtomically } from '../write-file.js';

/**
 * What stands where `path` is to be written: the path itself when something exists there, or a
 * file in place of one of its directories up to `root`; undefined when the way is free.
 */
function inTheWay(root: string, path: string): string | undefined {
  for (let p = path; ; p = dirname(p)) {
    let isDirectory: boolean;
    try {
      const stat = lstatSync(p, { throwIfNoEntry: false });
      if (stat === undefined) {
        if (p === root || p === dirname(p)) return undefined;
        continue;
      }
      isDirectory = stat.isDirectory() || (stat.isSymbolicLink() && statSync(p, { throwIfNoEntry: false })?.isDirectory() === true);
    } catch (e) {
      // why: a file in place of a directory above; the loop reaches it.
      if ((e as NodeJS.ErrnoException).code === 'ENOTDIR' && p !== root) continue;
      throw new UsageError(`cannot read ${p}: ${errnoText(e)}`);
    }
    return p === path || !isDirectory ? p : undefined;
  }
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('scaffold a policy repository: config file, fleet file, one cluster policy, GitHub Actions workflow')
    .argument('[dir]', 'the repository directory (created when missing)', '.')
    .option('--force', 'replace files that already exist')
    .action(async (dir: string, opts: { force?: boolean }) => {
      const { files, local } = scaffold(dir);
      const targets = files.map((f) => join(dir, f.path));
      const existing = [...new Set(targets.map((t) => inTheWay(dir, t)).filter((p) => p !== undefined))];
      const blocking = existing.filter((p) => !targets.includes(p));
      if (blocking.length > 0) throw new UsageError(`init cannot create directories where files are: ${blocking.join(', ')}`);
      if (existing.length > 0 && !opts.force) {
        throw new UsageError([`init would overwrite ${existing.join(', ')}`, 'nothing was written; use --force to replace them']);
      }
      for (const path of targets) {
        try {
          mkdirSync(dirname(path), { recursive: true });
        } catch (e) {
          throw new UsageError(`cannot create ${dirname(path)}: ${errnoText(e)}`);
        }
        await writeAtomically(path, files[targets.indexOf(path)]!.text);
      }
      const lines = targets.map((t) => `${existing.includes(t) ? 'replaced' : 'created'} ${t}`);
      lines.push('', 'Next:');
      if (!local) {
        lines.push(
          "  succession is not installed in this repository: the modelines name this installation's schemas by",
          '  absolute path. Add it to package.json (npm install --save-dev succession), which the workflow',
          '  needs too, and rerun `succession init --force` before editing to point them into node_modules.',
        );
      }
      lines.push(
        `  succession lint ${dir === '.' ? '' : join(dir, 'policies')}`.trimEnd(),
        `  succession build --out ${join(dir, GENERATED_DIR)}   # then commit it: the workflow checks it is up to date`,
      );
      await writeOut(`${lines.join('\n')}\n`);
    });
}
