#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { registerBuild } from './commands/build.js';
import { registerLint } from './commands/lint.js';
import { registerRules } from './commands/rules.js';
import { registerDiscover } from './commands/discover.js';
import { UsageError, reportFatal } from './io.js';

const program = new Command()
  .name('succession')
  .description('Check MySQL / MariaDB failover policies and compile them into orchestrator, ClusterControl and MHA configs.')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerBuild(program);
registerLint(program);
registerRules(program);
registerDiscover(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // why: commander already printed its message; help and version exit 0, usage errors 2.
    process.exitCode = e.exitCode === 0 ? 0 : 2;
  } else if (e instanceof UsageError) {
    reportFatal(e.message);
    process.exitCode = 2;
  } else {
    reportFatal(`internal error: ${(e as Error).message}`);
    process.exitCode = 2;
  }
}
