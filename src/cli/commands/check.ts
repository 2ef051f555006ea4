import type { Command } from 'commander';
import { checkLive } from '../../check.js';
import { analyze } from '../../lint.js';
import { readInputs, reportFatal, startDirOf, withFleet } from '../io.js';
import { addReportOptions, emitFindings, type ReportOptions } from '../output.js';
import { addTopologyOptions, recoveryPrivilegesNote, topologiesFor, type TopologyOptions } from '../topology.js';

interface CheckOptions extends ReportOptions, TopologyOptions {
  fleet?: string;
}

export function registerCheck(program: Command): void {
  addReportOptions(
    addTopologyOptions(
      program
        .command('check')
        .description('check policies against the live topology: every static rule plus the live rules')
        .argument('[paths...]', 'files, directories, globs, or - for standard input', ['policies/'])
        .option('--fleet <file>', 'fleet file to use (default: the nearest fleet.yaml at or above the first path)'),
    ),
  ).action(async (paths: string[], opts: CheckOptions) => {
    const first = paths.find((p) => p !== '-');
    const inputs = withFleet(readInputs(paths), opts.fleet, first === undefined ? process.cwd() : startDirOf(first));
    const analysis = analyze(inputs);
    const topologies = await topologiesFor(analysis.repo.clusters, opts, analysis.repo.fleet);
    const note = recoveryPrivilegesNote(analysis.repo.clusters, topologies, opts, analysis.repo.fleet);
    if (note !== undefined) reportFatal(note);
    const findings = checkLive(analysis, (c) => topologies.get(c.name));
    process.exitCode = await emitFindings(findings, opts, inputs.length);
  });
}
