import { Option, type Command } from 'commander';
import { liveFindingsOf } from '../../check.js';
import { analyze } from '../../lint.js';
import { viewOf } from '../../live/view.js';
import { parseHostKey } from '../../policy/hostkey.js';
import { enginesOf, simulateEachSingleFailure, simulateFailure, SimulationError } from '../../simulate/index.js';
import { ENGINES, type Engine } from '../../simulate/model.js';
import { renderEach, renderSimulation } from '../../simulate/render.js';
import { didYouMean } from '../../util/suggest.js';
import { addConfigOptions, resolveRun } from '../config.js';
import { UsageError, readInputs, startDirOf, withFleet, writeOut } from '../io.js';
import { useColor } from '../output.js';
import { addTopologyOptions, topologiesFor, type TopologyOptions } from '../topology.js';

interface SimulateOptions extends TopologyOptions {
  policies?: string[];
  fleet?: string;
  config?: string | false;
  fail?: string;
  eachSingleFailure?: boolean;
  engine?: Engine[];
  format: 'text' | 'json';
  color?: boolean;
}

export function registerSimulate(program: Command): void {
  addConfigOptions(
    addTopologyOptions(
      program
        .command('simulate')
        .description('predict, per failover engine, who is promoted and how long writes stall if a host fails now')
        .argument('<cluster>', 'cluster name')
        .option('--policies <paths...>', 'policy files or directories (default: the paths of succession.config.yaml, else policies/)')
        .option('--fleet <file>', 'fleet file to use (default: the nearest fleet.yaml)')
        .option('--fail <host:port>', 'the host that fails (default: the primary)')
        .option('--each-single-failure', 'simulate the loss of every single host and name the worst case')
        .addOption(new Option('--engine <name...>', 'engines to model (default: those the policy configures)').choices(ENGINES))
        .addOption(new Option('-f, --format <name>', 'output format').choices(['text', 'json']).default('text'))
        .option('--color', 'colour the text output even when it is not a terminal (also FORCE_COLOR)')
        .option('--no-color', 'never colour the output (also NO_COLOR)'),
    ),
  ).action(async (name: string, opts: SimulateOptions) => {
    if (opts.fail !== undefined && opts.eachSingleFailure) throw new UsageError('--fail and --each-single-failure exclude each other');
    // why: simulate's --format is its own (text, json); the configuration's is for findings.
    const settings: { config?: string | false; fleet?: string } = { config: opts.config, fleet: opts.fleet };
    const run = resolveRun(opts.policies ?? [], settings);
    const first = run.paths.find((p) => p !== '-');
    const inputs = withFleet(readInputs(run.paths, { ignored: run.ignored, origin: run.origin }), settings.fleet, first === undefined ? process.cwd() : startDirOf(first));
    const analysis = analyze(inputs);
    const cluster = analysis.repo.clusters.find((c) => c.name === name);
    if (!cluster) {
      const problems = analysis.readFindings.length ? ` (${analysis.readFindings.length} file(s) failed to parse or validate; run succession lint)` : '';
      throw new UsageError(`no cluster named "${name}" in ${run.paths.join(', ')}${problems}.${didYouMean(name, analysis.repo.clusters.map((c) => c.name))}`);
    }
    const failKey = opts.fail === undefined ? undefined : parseHostKey(opts.fail, 3306)?.key;
    if (opts.fail !== undefined && failKey === undefined) throw new UsageError(`invalid --fail "${opts.fail}": expected HOST:PORT`);
    const topology = (await topologiesFor([cluster], opts, analysis.repo.fleet)).get(cluster.name)!;
    const engines = opts.engine ?? enginesOf(cluster);
    // why: the text shows what check says on the same topology, so that the two never contradict each other.
    const render = { color: useColor(opts.color, process.env, process.stdout.isTTY === true), check: liveFindingsOf(analysis, cluster, topology) };
    try {
      if (opts.eachSingleFailure) {
        const each = simulateEachSingleFailure(cluster, topology, engines, analysis.repo.fleet);
        await writeOut(opts.format === 'json' ? `${JSON.stringify(each, null, 2)}\n` : renderEach(each, render));
        return;
      }
      const sim = simulateFailure(cluster, topology, failKey, engines, analysis.repo.fleet);
      const component = viewOf(cluster, topology).component.map((i) => i.key);
      await writeOut(opts.format === 'json' ? `${JSON.stringify(sim, null, 2)}\n` : renderSimulation(topology, sim, component, render));
    } catch (e) {
      if (e instanceof SimulationError) throw new UsageError(e.message);
      throw e;
    }
  });
}
