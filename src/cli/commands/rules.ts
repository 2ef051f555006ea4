import { Option, type Command } from 'commander';
import { RULES, RULES_BY_ID } from '../../rules/index.js';
import { docsUrl } from '../../rules/rule.js';
import { didYouMean } from '../../util/suggest.js';
import { UsageError, writeOut } from '../io.js';
import { ruleDoc } from '../repository.js';

export function registerRules(program: Command): void {
  program
    .command('rules')
    .description('list the rules, or print the documentation page of one')
    .argument('[id]', 'rule id')
    .addOption(new Option('-f, --format <name>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (id: string | undefined, opts: { format: 'text' | 'json' }) => {
      if (opts.format === 'json') {
        const rules = id === undefined ? RULES : RULES.filter((r) => r.id === id);
        if (rules.length === 0) throw new UsageError(`unknown rule "${id}".${didYouMean(id!, RULES_BY_ID.keys())}`);
        const out = rules.map((r) => ({ id: r.id, severity: r.severity, description: r.description, docs: docsUrl(r.id), ...(id !== undefined ? { page: ruleDoc(r.id) ?? null } : {}) }));
        await writeOut(`${JSON.stringify(id === undefined ? out : out[0], null, 2)}\n`);
        return;
      }
      if (id === undefined) {
        const width = Math.max(...RULES.map((r) => r.id.length));
        await writeOut(RULES.map((r) => `${r.id.padEnd(width)}  ${r.severity.padEnd(7)}  ${r.description}\n`).join(''));
        return;
      }
      if (!RULES_BY_ID.has(id)) throw new UsageError(`unknown rule "${id}".${didYouMean(id, RULES_BY_ID.keys())}`);
      const page = ruleDoc(id);
      if (page === undefined) throw new UsageError(`the documentation page of "${id}" is missing from this installation`);
      await writeOut(page.endsWith('\n') ? page : `${page}\n`);
    });
}
