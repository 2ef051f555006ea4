import { Option, type Command } from 'commander';
import type { Finding, Severity } from '../findings.js';
import { exitCodeFor } from '../lint.js';
import { FORMATS, format, type FormatName } from '../report/index.js';
import { VERSION } from '../version.js';
import { reportFatal, writeOut } from './io.js';
import { repositoryRoot, ruleDocs } from './repository.js';
import { positiveOrZeroInt } from './connection.js';
import { writeAtomically } from './write-file.js';

export interface ReportOptions {
  format?: FormatName;
  failOn: Severity;
  quiet?: boolean;
  /** true with --color, false with --no-color, undefined: on a terminal unless NO_COLOR (FORCE_COLOR forces it). */
  color?: boolean;
  maxWarnings?: number;
  outputFile?: string;
  /** `build --verbose`: show every info finding instead of one line counting them. */
  verbose?: boolean;
}

/**
 * Adds the options every findings-producing command shares, named as ESLint names them
 * (`build` keeps `-o` for its output directory, so its report file is `--output-file` only).
 */
export function addReportOptions(cmd: Command, shortOutputFile = true): Command {
  return cmd
    .addOption(new Option('-f, --format <name>', 'output format (default: stylish, or github inside GitHub Actions)').choices(FORMATS))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at least this severe').choices(['error', 'warning', 'info']).default('error'))
    .option('--max-warnings <n>', 'also exit 1 when there are more than this many warnings', positiveOrZeroInt)
    .option('-q, --quiet', 'report errors only (the summary still counts everything when the run fails)')
    .option(`${shortOutputFile ? '-o, ' : ''}--output-file <file>`, 'write the report to this file (atomically) instead of standard output')
    .option('--color', 'colour the stylish output even when it is not a terminal (also FORCE_COLOR)')
    .option('--no-color', 'never colour the output (also NO_COLOR)');
}

/** Whether to colour: the flags, then FORCE_COLOR / NO_COLOR, then whether the output is a terminal. */
export function useColor(flag: boolean | undefined, env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (flag !== undefined) return flag;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  return isTTY && env.NO_COLOR === undefined;
}

/** The exit code the findings call for: any at or above --fail-on, or more warnings than --max-warnings. */
export function exitCodeOf(findings: readonly Finding[], opts: Pick<ReportOptions, 'failOn' | 'maxWarnings'>): 0 | 1 {
  if (exitCodeFor(findings, opts.failOn) === 1) return 1;
  return opts.maxWarnings !== undefined && findings.filter((f) => f.severity === 'warning').length > opts.maxWarnings ? 1 : 0;
}

/** The formats a person reads; the others are for machines and always carry every finding. */
const HUMAN_FORMATS: ReadonlySet<FormatName> = new Set(['stylish', 'github']);

function formatName(opts: ReportOptions): FormatName {
  return opts.format ?? (process.env.GITHUB_ACTIONS === 'true' ? 'github' : 'stylish');
}

/** Whether a build's info findings are only counted (see emitFindings): then they need not even be read. */
export function infoCounted(opts: ReportOptions): boolean {
  return !opts.verbose && !opts.quiet && opts.failOn !== 'info' && HUMAN_FORMATS.has(formatName(opts));
}

/**
 * Prints the findings in the chosen format (or writes them to --output-file) and returns the exit
 * code they call for. With `collapseInfo` (build), a human format shows the info findings as one
 * count on standard error unless --verbose asks for them or --fail-on info fails the run on them;
 * `uncounted` more info findings were not even read (see infoCounted).
 */
export async function emitFindings(findings: readonly Finding[], opts: ReportOptions, filesChecked: number, collapseInfo = false, uncounted = 0): Promise<0 | 1> {
  const code = exitCodeOf(findings, opts);
  const name = formatName(opts);
  const collapsed = collapseInfo && infoCounted(opts);
  const shown = opts.quiet ? findings.filter((f) => f.severity === 'error') : collapsed ? findings.filter((f) => f.severity !== 'info') : findings;
  const toFile = opts.outputFile !== undefined;
  const color = useColor(opts.color, process.env, !toFile && process.stdout.isTTY === true);
  const cwd = process.cwd();
  const root = name === 'sarif' || name === 'gitlab' || (name === 'github' && process.env.GITHUB_WORKSPACE) ? { root: repositoryRoot(cwd, process.env), cwd } : {};
  const docs = name === 'sarif' ? { docs: ruleDocs() } : {};
  // why: --quiet hides warnings, not the fact that the run failed on them.
  const totals = opts.quiet && code === 1 ? { totals: findings } : {};
  const text = format(shown, name, { color, filesChecked, version: VERSION, ...root, ...docs, ...totals });
  if (toFile) await writeAtomically(opts.outputFile!, text);
  else await writeOut(text);
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  if (opts.maxWarnings !== undefined && warnings > opts.maxWarnings) reportFatal(`too many warnings (${warnings}; --max-warnings ${opts.maxWarnings})`);
  const notes = collapsed ? findings.length - shown.length + uncounted : 0;
  if (notes > 0) reportFatal(`${notes} info note${notes === 1 ? '' : 's'}; --verbose shows them`);
  return code;
}
