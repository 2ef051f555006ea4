import type { Command } from 'commander';
import { installedSchemaPath, isSchemaName, SCHEMA_NAMES } from '../../schemas.js';
import { didYouMean } from '../../util/suggest.js';
import { readText, UsageError, writeOut } from '../io.js';

export function registerSchema(program: Command): void {
  program
    .command('schema')
    .description(`print a JSON Schema (${SCHEMA_NAMES.join(', ')}), for editors and other validators`)
    .argument('<name>', SCHEMA_NAMES.join(' | '))
    .option('--path', "print the schema file's absolute path instead of its content")
    .action(async (name: string, opts: { path?: boolean }) => {
      if (!isSchemaName(name)) throw new UsageError(`unknown schema "${name}" (schemas: ${SCHEMA_NAMES.join(', ')}).${didYouMean(name, SCHEMA_NAMES)}`);
      const path = installedSchemaPath(name);
      if (path === undefined) throw new UsageError(`the ${name} schema is missing from this installation`);
      await writeOut(opts.path ? `${path}\n` : readText(path));
    });
}
