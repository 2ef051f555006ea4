import { Option, type Command } from 'commander';
import type { Finding, Severity } from '../findings.js';
import { exitCodeFor } from '../lint.js';
import { FORMATS, format, type FormatName } from '../report/index.js';
import { VERSION } from '../version.js';
import { writeOut } from './io.js';

export interface ReportOptions {
  format?: FormatName;
  failOn: 'error' | 'warning';
  quiet?: boolean;
  color: boolean;
}

/** Adds the options every findings-producing command shares. */
export function addReportOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('-f, --format <name>', 'output format (default: stylish, or github inside GitHub Actions)').choices(FORMATS))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at least this severe').choices(['error', 'warning']).default('error'))
    .option('-q, --quiet', 'report errors only')
    .option('--no-color', 'never colour the output');
}

/** Prints the findings in the chosen format and returns the exit code they call for. */
export async function emitFindings(findings: readonly Finding[], opts: ReportOptions, filesChecked: number): Promise<0 | 1> {
  const shown = opts.quiet ? findings.filter((f) => f.severity === 'error') : findings;
  const name: FormatName = opts.format ?? (process.env.GITHUB_ACTIONS === 'true' ? 'github' : 'stylish');
  const color = opts.color && process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
  await writeOut(format(shown, name, { color, filesChecked, version: VERSION }));
  return exitCodeFor(findings, opts.failOn as Severity);
}
