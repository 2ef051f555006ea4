#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { UsageError, reportFatal } from './io.js';

// why: build flushes thousands of files with fsync at once; libuv's default of 4 threads would
// serialise them. Must be set before the first file-system call that uses the thread pool.
process.env.UV_THREADPOOL_SIZE ??= '64';

type Register = (program: Command) => void;

// why: each command loads only its own modules (discovery pulls in mysql2, build the compilers),
// so that a one-file lint starts about as fast as node itself.
const COMMANDS: Record<string, () => Promise<Register>> = {
  lint: async () => (await import('./commands/lint.js')).registerLint,
  check: async () => (await import('./commands/check.js')).registerCheck,
  build: async () => (await import('./commands/build.js')).registerBuild,
  discover: async () => (await import('./commands/discover.js')).registerDiscover,
  simulate: async () => (await import('./commands/simulate.js')).registerSimulate,
  rules: async () => (await import('./commands/rules.js')).registerRules,
};

const program = new Command()
  .name('succession')
  .description('Check MySQL / MariaDB failover policies and compile them into orchestrator, ClusterControl and MHA configs.')
  .version((await import('../version.js')).VERSION)
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

try {
  const requested = process.argv[2];
  const names = requested !== undefined && requested in COMMANDS ? [requested] : Object.keys(COMMANDS);
  for (const name of names) (await COMMANDS[name]!())(program);
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
