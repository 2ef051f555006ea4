import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { parseHostKey } from '../../policy/hostkey.js';
import { resolveCredentials } from '../../topology/credentials.js';
import { TopologyError } from '../../topology/model.js';
import { readOrchestratorCredentials } from '../../topology/orchestrator-credentials.js';
import { orchestratorQueries } from '../../compile/orchestrator.js';
import { checkDatacenterQuery, DEFAULTS, discover, type ProgressEvent } from '../../topology/mysql.js';
import { formatSnapshot } from '../../topology/snapshot.js';
import { UsageError, reportFatal, writeOut } from '../io.js';
import { errnoText } from '../../util/errno.js';
import { terminalText } from '../../util/terminal-text.js';

interface DiscoverOptions {
  seed: string[];
  output?: string;
  defaultsFile?: string;
  datacenterQuery?: string;
  datacenterPattern?: string;
  metaSchema?: string;
  orchestratorCredentials?: string;
  connectTimeout: number;
  queryTimeout: number;
  concurrency: number;
}

export function registerDiscover(program: Command): void {
  program
    .command('discover')
    .description('walk a live MySQL / MariaDB replication topology from seed servers and print a snapshot (JSON)')
    .option('--seed <host:port>', 'a server to start from (repeatable)', collect, [])
    .option('-o, --output <file>', 'write the snapshot to this file (atomically) instead of standard output')
    .option('--defaults-file <file>', 'read user and password from the [client] section of this my.cnf-style file (else MYSQL_USER / MYSQL_PWD)')
    .option('--datacenter-query <sql>', 'a SELECT whose first value is the data center of the server it runs on')
    .option('--datacenter-pattern <regex>', 'a regular expression with one capture group, applied to the host name')
    .option('--meta-schema <name>', "read each server as orchestrator does, through the Detect queries succession generates for this meta schema (the fleet's metaSchema)")
    .option('--orchestrator-credentials <file>', "orchestrator's topology credentials file (MySQLTopologyCredentialsConfigFile): also read what that user may do in a recovery on each server")
    .option('--connect-timeout <ms>', 'per-server connect timeout', positiveInt, DEFAULTS.connectTimeoutMs)
    .option('--query-timeout <ms>', 'per-query timeout', positiveInt, DEFAULTS.queryTimeoutMs)
    .option('--concurrency <n>', 'servers read at the same time', positiveInt, DEFAULTS.concurrency)
    .action(async (opts: DiscoverOptions) => {
      if (opts.seed.length === 0) throw new UsageError('at least one --seed HOST:PORT is required');
      for (const s of opts.seed) {
        if (!parseHostKey(s, 3306)) throw new UsageError(`invalid --seed "${s}": expected HOST:PORT`);
      }
      if (opts.metaSchema !== undefined && !/^[A-Za-z0-9_]+$/.test(opts.metaSchema)) throw new UsageError(`invalid --meta-schema "${opts.metaSchema}": letters, digits and _ only`);
      if (opts.datacenterQuery !== undefined) {
        const problem = checkDatacenterQuery(opts.datacenterQuery);
        if (problem) throw new UsageError(`invalid --datacenter-query: ${problem}`);
      }
      let pattern: RegExp | undefined;
      if (opts.datacenterPattern !== undefined) {
        try {
          pattern = new RegExp(opts.datacenterPattern);
        } catch (e) {
          throw new UsageError(`invalid --datacenter-pattern: ${(e as Error).message}`);
        }
        if (new RegExp(`${pattern.source}|`).exec('')!.length !== 2) {
          throw new UsageError('invalid --datacenter-pattern: it needs exactly one capture group');
        }
      }
      let credentials;
      let orchestratorCredentials;
      try {
        credentials = resolveCredentials(process.env, opts.defaultsFile);
        if (opts.orchestratorCredentials !== undefined) orchestratorCredentials = readOrchestratorCredentials(opts.orchestratorCredentials, process.env);
      } catch (e) {
        if (e instanceof TopologyError) throw new UsageError(e.lines);
        throw e;
      }
      const result = await discover({
        seeds: opts.seed,
        credentials,
        connectTimeoutMs: opts.connectTimeout,
        queryTimeoutMs: opts.queryTimeout,
        concurrency: opts.concurrency,
        ...(opts.datacenterQuery !== undefined ? { datacenterQuery: opts.datacenterQuery } : {}),
        ...(pattern ? { datacenterPattern: pattern } : {}),
        ...(opts.metaSchema !== undefined ? { orchestratorQueries: orchestratorQueries(opts.metaSchema) } : {}),
        ...(orchestratorCredentials ? { orchestratorCredentials } : {}),
        ...(process.stderr.isTTY ? { onProgress: progress } : {}),
      });
      if (process.stderr.isTTY) process.stderr.write('\n');
      const { topology, warnings } = result;
      for (const w of warnings) reportFatal(`warning: ${w}`);
      for (const u of topology.unreachable) reportFatal(`cannot read ${u.key}: ${u.error}`);
      if (topology.unreachable.length === topology.instances.length) {
        process.exitCode = 2;
        reportFatal('no server could be read; no snapshot written');
        return;
      }
      const text = formatSnapshot(topology);
      if (opts.output === undefined) await writeOut(text);
      else writeAtomically(opts.output, text);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function progress(e: ProgressEvent): void {
  process.stderr.write(`\rdiscovering: ${e.done}/${e.known} servers read${e.ok ? '' : ` (${terminalText(e.key)} unreachable)`}\x1b[K`);
}

/** Temp file in the target's directory, fsync, rename: readers see the old file or the new one. */
function writeAtomically(path: string, text: string): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const fd = openSync(temp, 'w', 0o644);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (e) {
    try {
      unlinkSync(temp);
    } catch {
      // why: the temp file may never have been created; nothing else to clean.
    }
    throw new UsageError(`cannot write ${path}: ${errnoText(e)}`);
  }
}
