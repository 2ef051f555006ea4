import type { Command } from 'commander';
import { lintParallel } from '../../lint-parallel.js';
import { readInputs } from '../io.js';
import { addReportOptions, emitFindings, type ReportOptions } from '../output.js';

interface LintOptions extends ReportOptions {
  stdinFilename?: string;
}

export function registerLint(program: Command): void {
  addReportOptions(
    program
      .command('lint')
      .description('check policy files on their own: schema, then every static rule')
      .argument('[paths...]', 'files, directories, globs, or - for standard input', ['policies/'])
      .option('--stdin-filename <name>', 'name to report for standard input', '<stdin>'),
  ).action(async (paths: string[], opts: LintOptions) => {
    const inputs = readInputs(paths, opts.stdinFilename);
    const { findings } = await lintParallel(inputs);
    process.exitCode = emitFindings(findings, opts, inputs.length);
  });
}
