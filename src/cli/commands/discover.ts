import type { Command } from 'commander';
import { parseHostKey } from '../../policy/hostkey.js';
import { TopologyError } from '../../topology/model.js';
import { readOrchestratorCredentials } from '../../topology/orchestrator-credentials.js';
import { orchestratorQueries } from '../../compile/orchestrator.js';
import { checkDatacenterQuery, discover, type ProgressEvent } from '../../topology/mysql.js';
import { addConnectionOptions, connection, type ConnectionOptions } from '../connection.js';
import { formatSnapshot } from '../../topology/snapshot.js';
import { UsageError, reportFatal, writeOut } from '../io.js';
import { writeAtomically } from '../write-file.js';
import { terminalText } from '../../util/terminal-text.js';

interface DiscoverOptions extends ConnectionOptions {
  seed: string[];
  output?: string;
  datacenterQuery?: string;
  datacenterPattern?: string;
  metaSchema?: string;
  orchestratorCredentials?: string;
}

export function registerDiscover(program: Command): void {
  const cmd = program
    .command('discover')
    .description('walk a live MySQL / MariaDB replication topology from seed servers and print a snapshot (JSON)')
    .option('--seed <host:port>', 'a server to start from (repeatable; default: host and port of the option files, or MYSQL_HOST / MYSQL_TCP_PORT)', collect, [])
    .option('-o, --output <file>', 'write the snapshot to this file (atomically) instead of standard output')
    .option('--datacenter-query <sql>', 'a SELECT whose first value is the data center of the server it runs on')
    .option('--datacenter-pattern <regex>', 'a regular expression with one capture group, applied to the host name')
    .option('--meta-schema <name>', "read each server as orchestrator does, through the Detect queries succession generates for this meta schema (the fleet's metaSchema)")
    .option('--orchestrator-credentials <file>', "orchestrator's topology credentials file (MySQLTopologyCredentialsConfigFile): also read what that user may do in a recovery on each server");
  addConnectionOptions(cmd).action(async (opts: DiscoverOptions) => {
      const { credentials, server } = connection(opts);
      const seeds = opts.seed.length > 0 ? opts.seed : server !== undefined ? [server] : [];
      if (seeds.length === 0) throw new UsageError('at least one --seed HOST:PORT is required (or a host in the option files, or MYSQL_HOST)');
      for (const s of seeds) {
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
      let orchestratorCredentials;
      try {
        if (opts.orchestratorCredentials !== undefined) orchestratorCredentials = readOrchestratorCredentials(opts.orchestratorCredentials, process.env);
      } catch (e) {
        if (e instanceof TopologyError) throw new UsageError(e.lines);
        throw e;
      }
      const result = await discover({
        seeds,
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
      else await writeAtomically(opts.output, text);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function progress(e: ProgressEvent): void {
  process.stderr.write(`\rdiscovering: ${e.done}/${e.known} servers read${e.ok ? '' : ` (${terminalText(e.key)} unreachable)`}\x1b[K`);
}
