import { existsSync, mkdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { findingsOf } from '../../diff/findings.js';
import type { DiffResult } from '../../diff/model.js';
import { analyze } from '../../lint.js';
import { buildReport } from '../../review-report/build.js';
import { renderReport } from '../../review-report/page.js';
import { redactSecrets } from '../../topology/http.js';
import { errnoText } from '../../util/errno.js';
import { didYouMean } from '../../util/suggest.js';
import { addConfigOptions, resolveRun } from '../config.js';
import { UsageError, readInputs, startDirOf, withFleet, writeOut } from '../io.js';
import { addTopologyOptions, topologiesFor, type TopologyOptions } from '../topology.js';
import { writeAtomically } from '../write-file.js';
import { isDirectory, readDirectory, readWorkingTree, type SideOptions } from '../diff-sides.js';
import { compareSides, withSides } from './diff.js';

interface ReportOptions extends TopologyOptions {
  out: string;
  cluster?: string;
  base?: string;
  fleet?: string;
  config?: string | false;
}

/**
 * The diff against `--base`: a revision as `succession diff REV` reads it, or a policy directory
 * read as `diff` reads one; the head is the working tree, read as `diff` reads it.
 */
async function baseDiff(base: string, sides: SideOptions, opts: ReportOptions): Promise<DiffResult> {
  if (isDirectory(base)) return compareSides(readDirectory(base, { ...sides, policies: undefined }), readWorkingTree(sides), opts);
  return withSides(base, undefined, sides, (b, h) => compareSides(b, h, opts));
}

/** Makes the output directory; a path that is a file, or one that cannot be made, is a usage error before anything is written. */
function outputDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new UsageError(`cannot create the output directory ${dir}: ${errnoText(e)}`);
  }
  if (!isDirectory(dir)) throw new UsageError(`--out ${dir} is not a directory`);
}

export function registerReport(program: Command): void {
  addConfigOptions(
    addTopologyOptions(
      program
        .command('report')
        .description('write a self-contained HTML page: each cluster drawn as a tree, its single-host failures per engine, its findings; --base: what a change moves')
        .argument('[paths...]', 'policy files or directories (default: the paths of succession.config.yaml, else policies/)')
        .requiredOption('--out <dir>', 'directory to write index.html into (made when missing)')
        .option('--cluster <name>', 'report one cluster only')
        .option('--base <rev|dir>', 'highlight what changes against this revision (as succession diff REV: the working tree is the head) or policy directory')
        .option('--fleet <file>', 'fleet file to use (default: the nearest fleet.yaml)'),
    ),
  ).action(async (args: string[], opts: ReportOptions) => {
    // why: each side of --base finds its own fleet and configuration, as diff's sides do.
    const sides: SideOptions = { ...(args.length ? { policies: args } : {}), ...(opts.fleet === undefined ? {} : { fleet: opts.fleet }), ...(opts.config === undefined ? {} : { config: opts.config }) };
    const settings: { config?: string | false; fleet?: string } = { config: opts.config, fleet: opts.fleet };
    const run = resolveRun(args, settings);
    opts.fleet = settings.fleet;
    // why: --base reads the policies twice; standard input can be read once.
    if (run.paths.includes('-')) throw new UsageError('report reads files; "-" (standard input) is not supported');
    const first = run.paths[0]!;
    const inputs = withFleet(readInputs(run.paths, { ignored: run.ignored, origin: run.origin }), opts.fleet, startDirOf(first));
    const analysis = analyze(inputs);
    const names = [...new Set(analysis.repo.clusters.map((c) => c.name))];
    if (opts.cluster !== undefined && !names.includes(opts.cluster)) {
      const problems = analysis.readFindings.length ? ` (${analysis.readFindings.length} file(s) failed to parse or validate; run succession lint)` : '';
      throw new UsageError(`no cluster named "${opts.cluster}" in ${run.paths.join(', ')}${problems}.${didYouMean(opts.cluster, names)}`);
    }
    const wanted = opts.cluster !== undefined ? [opts.cluster] : names;
    const wantedSet = new Set(wanted);
    const clusters = analysis.repo.clusters.filter((c) => wantedSet.has(c.name));
    // why: as diff, the recorded topology next to the policies is used when no source is given.
    const recorded = resolve(isDirectory(first) ? first : startDirOf(first), 'topology.json');
    const source = opts.topology ?? (existsSync(recorded) ? recorded : undefined);
    const topology = source === undefined ? undefined : { byCluster: await topologiesFor(clusters, { ...opts, topology: source }, analysis.repo.fleet), label: redactSecrets(opts.topology ?? relative(process.cwd(), source)) };
    const diff = opts.base === undefined ? undefined : await baseDiff(opts.base, sides, opts);
    const findings = run.configure(findingsOf(analysis, wantedSet));
    const title = opts.cluster !== undefined ? `succession report: cluster ${opts.cluster}` : `succession report: ${run.paths.join(', ')}`;
    const model = buildReport({ title, analysis, findings, clusters: wanted, ...(topology ? { topology } : {}), ...(diff ? { diff } : {}) });
    const html = renderReport(model);
    outputDir(opts.out);
    const file = join(opts.out, 'index.html');
    await writeAtomically(file, html);
    const changed = model.clusters.filter((c) => c.change).length;
    await writeOut(`wrote ${file} (${model.clusters.length} cluster${model.clusters.length === 1 ? '' : 's'}${diff ? `, ${changed} changed` : ''})\n`);
    process.exitCode = 0;
  });
}
