import { Option, type Command } from 'commander';
import { lintParallel, warmWorkers } from '../../lint-parallel.js';
import { DEFAULTS, ORCHESTRATOR_RELEASES, type OrchestratorRelease } from '../../policy/model.js';
import { addConfigOptions, resolveRun, type ConfigOptions } from '../config.js';
import { UsageError, readInputs, readText, startDirOf, withFleet } from '../io.js';
import { addReportOptions, emitFindings, type ReportOptions } from '../output.js';

interface LintOptions extends ReportOptions, ConfigOptions {
  stdinFilename?: string;
  fleet?: string;
  orchestratorConfig?: string;
  release?: OrchestratorRelease;
}

export function registerLint(program: Command): void {
  addReportOptions(
    addConfigOptions(
      program
        .command('lint')
      .description('check policy files on their own: schema, then every static rule')
      .argument('[paths...]', 'files, directories, globs, or - for standard input (default: the paths of succession.config.yaml, else policies/)')
      .option('--stdin-filename <name>', 'name to report for standard input', '<stdin>')
      .option('--fleet <file>', 'fleet file to use (default: the nearest fleet.yaml at or above the first path)')
      .option('--orchestrator-config <file>', 'lint a hand-written orchestrator.conf.json instead of policies')
      .addOption(
        new Option('--release <name>', `with --orchestrator-config: the orchestrator that reads the file, as a fleet deployment's release names it (default: ${DEFAULTS.orchestratorRelease})`).choices(
          ORCHESTRATOR_RELEASES,
        ),
      ),
    ),
  ).action(async (args: string[], opts: LintOptions) => {
    const run = resolveRun(args, opts);
    if (opts.orchestratorConfig !== undefined) {
      // why: loaded on demand; the orchestrator key schema is compiled with ajv, which a policy lint does not need.
      const { lintOrchestratorConfig } = await import('../../compile/orchestrator-config-lint.js');
      const findings = lintOrchestratorConfig(opts.orchestratorConfig, readText(opts.orchestratorConfig), opts.release ?? DEFAULTS.orchestratorRelease);
      process.exitCode = await emitFindings(run.configure(findings), opts, 1);
      return;
    }
    // why: a policy's release is its fleet deployment's `release`; accepting the option here would suggest otherwise.
    if (opts.release !== undefined) throw new UsageError('--release applies to --orchestrator-config only; for policies, set release on the orchestrator deployment in the fleet file');
    const first = run.paths.find((p) => p !== '-');
    const read = readInputs(run.paths, { stdinName: opts.stdinFilename, ignored: run.ignored, origin: run.origin, found: warmWorkers });
    const inputs = withFleet(read, opts.fleet, first === undefined ? process.cwd() : startDirOf(first));
    const { findings } = await lintParallel(inputs);
    process.exitCode = await emitFindings(run.configure(findings), opts, inputs.length);
  });
}
