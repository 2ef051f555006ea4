import type { Command } from 'commander';
import { checkLive } from '../../check.js';
import { analyze } from '../../lint.js';
import { addConfigOptions, resolveRun, type ConfigOptions } from '../config.js';
import { readInputs, reportFatal, startDirOf, withFleet } from '../io.js';
import { addReportOptions, emitFindings, type ReportOptions } from '../output.js';
import { addTopologyOptions, recoveryPrivilegesNote, topologiesFor, type TopologyOptions } from '../topology.js';

interface CheckOptions extends ReportOptions, TopologyOptions, ConfigOptions {
  fleet?: string;
}

export function registerCheck(program: Command): void {
  addReportOptions(
    addConfigOptions(
      addTopologyOptions(
        program
          .command('check')
          .description('check policies against the live topology: every static rule plus the live rules')
          .argument('[paths...]', 'files, directories, globs, or - for standard input (default: the paths of succession.config.yaml, else policies/)')
          .option('--fleet <file>', 'fleet file to use (default: the nearest fleet.yaml at or above the first path)'),
      ),
    ),
  ).action(async (args: string[], opts: CheckOptions) => {
    const run = resolveRun(args, opts);
    const first = run.paths.find((p) => p !== '-');
    const inputs = withFleet(readInputs(run.paths, { ignored: run.ignored, origin: run.origin }), opts.fleet, first === undefined ? process.cwd() : startDirOf(first));
    const analysis = analyze(inputs);
    const topologies = await topologiesFor(analysis.repo.clusters, opts, analysis.repo.fleet);
    const note = recoveryPrivilegesNote(analysis.repo.clusters, topologies, opts, analysis.repo.fleet);
    if (note !== undefined) reportFatal(note);
    const findings = checkLive(analysis, (c) => topologies.get(c.name));
    process.exitCode = await emitFindings(run.configure(findings), opts, inputs.length);
  });
}
