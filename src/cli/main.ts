#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { terminalText } from '../util/terminal-text.js';
import { UsageError, reportFatal, writeOut } from './io.js';

// why: build flushes thousands of files with fsync at once; libuv's default of 4 threads would
// serialise them. Must be set before the first file-system call that uses the thread pool.
process.env.UV_THREADPOOL_SIZE ??= '64';

// why: when stderr itself cannot be written there is nowhere left to say so; the exit code still
// tells that output was lost (whatever the command set afterwards), and no uncaught 'error' event
// turns into exit 1 ("findings") with a stack trace.
let stderrLost = false;
process.stderr.on('error', () => {
  stderrLost = true;
});
process.on('exit', () => {
  if (stderrLost) process.exitCode = 2;
});

type Register = (program: Command) => void;

// why: each command loads only its own modules (discovery pulls in mysql2, build the compilers),
// so that a one-file lint starts about as fast as node itself.
const COMMANDS: Record<string, () => Promise<Register>> = {
  lint: async () => (await import('./commands/lint.js')).registerLint,
  check: async () => (await import('./commands/check.js')).registerCheck,
  build: async () => (await import('./commands/build.js')).registerBuild,
  discover: async () => (await import('./commands/discover.js')).registerDiscover,
  simulate: async () => (await import('./commands/simulate.js')).registerSimulate,
  diff: async () => (await import('./commands/diff.js')).registerDiff,
  report: async () => (await import('./commands/report.js')).registerReport,
  rules: async () => (await import('./commands/rules.js')).registerRules,
  schema: async () => (await import('./commands/schema.js')).registerSchema,
  init: async () => (await import('./commands/init.js')).registerInit,
};

// why: commander writes help and version synchronously; collected here, they go out through
// writeOut, which reports output that cannot be written like any other command's.
let commanderOut = '';

const program = new Command()
  .name('succession')
  .description('Check MySQL / MariaDB failover policies and compile them into orchestrator, ClusterControl and MHA configs.')
  .version((await import('../version.js')).VERSION)
  .showHelpAfterError('(run with --help for usage)')
  .configureOutput({
    writeOut: (text) => {
      commanderOut += text;
    },
    // why: commander's messages quote the arguments as given; its own line breaks stay, each line's text is made safe.
    outputError: (text, write) => write(text.split('\n').map(terminalText).join('\n')),
  })
  .exitOverride()
  .addHelpText(
    'after',
    `
Examples:
  succession lint                                   lint the paths of succession.config.yaml, else policies/
  succession lint -f sarif -o results.sarif         for GitHub code scanning
  succession build --out generated/ --check         the drift gate: exit 1 when a generated file is stale
  succession check --topology mysql://db1:3306      the policies against the live servers
  succession simulate shop --each-single-failure    who takes over when each host fails
  succession init my-policies                       scaffold a policy repository
  succession schema policy --path                   the policy schema's file, for editor settings
  succession diff main -f markdown                  review a policy change against main, for a pull request
  succession report --out report/ --base main       an HTML page of every cluster: trees, failures, findings

Environment:
  ORCHESTRATOR_API                                    the default --topology (as for orchestrator-client)
  ORCHESTRATOR_AUTH_USER, ORCHESTRATOR_AUTH_PASSWORD  basic auth for it
  MYSQL_HOST, MYSQL_TCP_PORT, MYSQL_PWD, MYSQL_USER   as for the mysql client (option files win)
  NO_COLOR, FORCE_COLOR                               never / always colour the stylish output and simulate's text
  GITHUB_ACTIONS, GITHUB_WORKSPACE                    github annotations by default; paths relative to the workspace

Exit codes:
  0  no finding at or above --fail-on (and no more warnings than --max-warnings)
  1  findings at or above --fail-on, or too many warnings, or generated files stale (--check),
     or (diff) a change of a kind --fail-on-change names
  2  usage error, unreadable input, output that cannot be written, or an internal error`,
  );

async function run(): Promise<void> {
  try {
    const requested = process.argv[2];
    const names = requested !== undefined && requested in COMMANDS ? [requested] : Object.keys(COMMANDS);
    for (const name of names) (await COMMANDS[name]!())(program);
    await program.parseAsync(process.argv);
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    // why: commander already printed its message; help and version exit 0, usage errors 2.
    process.exitCode = e.exitCode === 0 ? 0 : 2;
  }
  await writeOut(commanderOut);
}

try {
  await run();
} catch (e) {
  if (e instanceof UsageError) {
    reportFatal(e.lines);
  } else {
    reportFatal(`internal error: ${(e as Error).message}`);
  }
  process.exitCode = 2;
}
