import { InvalidArgumentError, type Command } from 'commander';
import { resolveConnection, type ConnectionFlags } from '../topology/credentials.js';
import type { Credentials } from '../topology/mysql-connection.js';
import { TopologyError } from '../topology/model.js';
import { DEFAULTS } from '../topology/mysql.js';
import { UsageError } from './io.js';

/** The options every command that connects to servers takes, named as the mysql client names them. */
export interface ConnectionOptions {
  defaultsFile?: string;
  defaultsExtraFile?: string;
  /** false with `--no-defaults`. */
  defaults: boolean;
  loginPath?: string;
  socket?: string;
  sslCa?: string;
  sslCert?: string;
  sslKey?: string;
  sslMode?: string;
  connectTimeout: number;
  queryTimeout: number;
  concurrency: number;
}

export function addConnectionOptions(cmd: Command): Command {
  return cmd
    .option('--defaults-file <file>', 'read options from this file only (groups [client], [client-server], [client-mariadb], [succession]), as the mysql client does')
    .option('--defaults-extra-file <file>', 'read this option file after the global ones, before ~/.my.cnf')
    .option('--no-defaults', 'read no option file (only the login path file, flags and MYSQL_* variables)')
    .option('--login-path <name>', 'also read this group, from the option files and from ~/.mylogin.cnf (mysql_config_editor)')
    .option('-S, --socket <path>', 'Unix socket for a server named localhost (also socket in the option files, MYSQL_UNIX_PORT)')
    .option('--ssl-ca <file>', 'CA certificate to verify the servers with (implies VERIFY_CA)')
    .option('--ssl-cert <file>', 'client certificate')
    .option('--ssl-key <file>', 'client key')
    .option('--ssl-mode <mode>', 'DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY')
    .option('--connect-timeout <ms>', 'per-server connect timeout', positiveInt, DEFAULTS.connectTimeoutMs)
    .option('--query-timeout <ms>', 'per-query timeout', positiveInt, DEFAULTS.queryTimeoutMs)
    .option('--concurrency <n>', 'servers read at the same time', positiveInt, DEFAULTS.concurrency);
}

/** Credentials and the default server (host / port of the option files or MYSQL_HOST / MYSQL_TCP_PORT). */
export function connection(opts: ConnectionOptions, env: NodeJS.ProcessEnv = process.env): { credentials: Credentials; server?: string } {
  const flags: ConnectionFlags = { noDefaults: !opts.defaults };
  for (const k of ['defaultsFile', 'defaultsExtraFile', 'loginPath', 'socket', 'sslCa', 'sslCert', 'sslKey', 'sslMode'] as const) {
    if (opts[k] !== undefined) flags[k] = opts[k];
  }
  try {
    return resolveConnection(env, flags);
  } catch (e) {
    if (e instanceof TopologyError) throw new UsageError(e.lines);
    throw e;
  }
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

export function positiveOrZeroInt(value: string): number {
  const n = Number(value);
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a whole number, 0 or more');
  return n;
}
