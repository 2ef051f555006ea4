import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { RULES, RULES_BY_ID } from '../../rules/index.js';
import { didYouMean } from '../../util/suggest.js';
import { UsageError, writeOut } from '../io.js';
import { PACKAGE_ROOT } from '../../paths.js';

const DOCS_DIR = new URL('docs/rules/', PACKAGE_ROOT);

export function registerRules(program: Command): void {
  program
    .command('rules')
    .description('list the rules, or print the documentation page of one')
    .argument('[id]', 'rule id')
    .action(async (id: string | undefined) => {
      if (id === undefined) {
        const width = Math.max(...RULES.map((r) => r.id.length));
        await writeOut(RULES.map((r) => `${r.id.padEnd(width)}  ${r.severity.padEnd(7)}  ${r.description}\n`).join(''));
        return;
      }
      if (!RULES_BY_ID.has(id)) throw new UsageError(`unknown rule "${id}".${didYouMean(id, RULES_BY_ID.keys())}`);
      let page: string;
      try {
        page = readFileSync(new URL(`${id}.md`, DOCS_DIR), 'utf8');
      } catch {
        throw new UsageError(`the documentation page of "${id}" is missing from this installation`);
      }
      await writeOut(page.endsWith('\n') ? page : `${page}\n`);
    });
}
