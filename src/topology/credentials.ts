import { userInfo } from 'node:os';
import { TopologyError } from './model.js';
import { lastValues, readOptions, type OptionSources } from './option-files.js';
import type { Credentials, TlsSettings } from './mysql-connection.js';
import { InputError, readInputFile } from '../util/input-file.js';

/** Connection settings given on the command line, as the mysql client's flags of the same names. */
export interface ConnectionFlags extends OptionSources {
  socket?: string;
  sslCa?: string;
  sslCert?: string;
  sslKey?: string;
  sslMode?: string;
}

const ENV_NAMES: Record<string, string> = { user: 'MYSQL_USER', password: 'MYSQL_PWD', host: 'MYSQL_HOST', port: 'MYSQL_TCP_PORT', socket: 'MYSQL_UNIX_PORT' };

/** A setting and where it came from (`file:line`, a flag or a variable), for messages. */
type Setting = { value: string | true; at: string };

/**
 * Discovery credentials and the default server, read as the mysql client reads them: the option
 * files (`~/.my.cnf` and the global ones, or `--defaults-file`, plus `--defaults-extra-file`;
 * groups `[client]`, `[client-server]`, `[client-mariadb]` and `[succession]`), the login path
 * file, then the flags, each overriding the one before; below all of them MYSQL_PWD,
 * MYSQL_HOST, MYSQL_TCP_PORT and MYSQL_USER, and the login name as the user. TLS comes from the
 * same places. Passwords are never put in messages.
 */
export function resolveConnection(env: NodeJS.ProcessEnv, flags: ConnectionFlags = {}): { credentials: Credentials; server?: string } {
  const settings = new Map<string, Setting>();
  const fromEnv: [string, string | undefined][] = [
    ['user', env.MYSQL_USER],
    ['password', env.MYSQL_PWD],
    ['host', env.MYSQL_HOST],
    ['port', env.MYSQL_TCP_PORT],
    ['socket', env.MYSQL_UNIX_PORT],
  ];
  for (const [name, value] of fromEnv) if (value !== undefined && value !== '') settings.set(name, { value, at: ENV_NAMES[name]! });
  for (const [name, o] of lastValues(readOptions(env, flags))) settings.set(name, { value: o.value, at: o.at });
  const fromFlags: [string, string | undefined][] = [
    ['socket', flags.socket],
    ['ssl-ca', flags.sslCa],
    ['ssl-cert', flags.sslCert],
    ['ssl-key', flags.sslKey],
    ['ssl-mode', flags.sslMode],
  ];
  for (const [name, value] of fromFlags) if (value !== undefined) settings.set(name, { value, at: `--${name}` });
  const user = settings.get('user');
  const password = settings.get('password');
  const out: Credentials = { user: typeof user?.value === 'string' && user.value !== '' ? user.value : loginName() };
  if (password?.value === true) throw new TopologyError(`${password.at}: "password" has no value (prompting for a password is not supported)`);
  if (password !== undefined) out.password = password.value;
  const tls = tlsSettings(settings);
  if (tls) out.tls = tls;
  const socket = settings.get('socket')?.value;
  if (typeof socket === 'string' && socket !== '') out.socket = socket;
  const port = settings.get('port');
  // why: with a socket and no host, the client connects to localhost, that is, to the socket.
  const given = settings.get('host')?.value;
  const host = typeof given === 'string' && given !== '' ? given : out.socket !== undefined ? 'localhost' : undefined;
  const server = host !== undefined ? `${host.includes(':') ? `[${host}]` : host}:${typeof port?.value === 'string' && port.value !== '' ? port.value : '3306'}` : undefined;
  return server !== undefined ? { credentials: out, server } : { credentials: out };
}

/** The credentials alone (see resolveConnection). */
export function resolveCredentials(env: NodeJS.ProcessEnv, flags: ConnectionFlags = {}): Credentials {
  return resolveConnection(env, flags).credentials;
}

const SSL_MODES: Record<string, TlsSettings['mode'] | 'off'> = {
  disabled: 'off',
  preferred: 'off',
  required: 'required',
  verify_ca: 'verify-ca',
  verify_identity: 'verify-identity',
};

/**
 * TLS from the option names of both clients: MySQL's `ssl-mode` (PREFERRED is read as off: the
 * driver cannot fall back to plain text), MariaDB's `ssl` and `ssl-verify-server-cert`; an
 * `ssl-ca` alone means verifying the server's certificate against it.
 */
function tlsSettings(settings: Map<string, Setting>): TlsSettings | undefined {
  const text = (k: string): string | undefined => {
    const v = settings.get(k)?.value;
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const on = (k: string): boolean => {
    const v = settings.get(k)?.value;
    return v === true || (typeof v === 'string' && /^(1|on|true|yes)$/i.test(v));
  };
  const modeText = text('ssl-mode');
  const modeAt = settings.get('ssl-mode')?.at;
  let mode: TlsSettings['mode'] | 'off' | undefined;
  if (modeText !== undefined) {
    mode = SSL_MODES[modeText.toLowerCase()];
    if (mode === undefined) throw new TopologyError(`${modeAt}: unknown ssl-mode "${modeText}" (DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY)`);
  } else if (on('ssl-verify-server-cert')) mode = 'verify-identity';
  else if (text('ssl-ca') !== undefined) mode = 'verify-ca';
  else if (on('ssl')) mode = 'required';
  if (mode === undefined || mode === 'off') return undefined;
  const out: TlsSettings = { mode };
  for (const [option, field] of [['ssl-ca', 'ca'], ['ssl-cert', 'cert'], ['ssl-key', 'key']] as const) {
    const path = text(option);
    if (path !== undefined) out[field] = readPem(path, option, settings.get(option)!.at);
  }
  if (mode !== 'required' && out.ca === undefined) throw new TopologyError(`${modeAt ?? 'ssl-verify-server-cert'}: ssl-mode ${modeText ?? 'verification'} needs ssl-ca`);
  return out;
}

function readPem(path: string, option: string, at: string): string {
  try {
    return readInputFile(path, option);
  } catch (e) {
    if (e instanceof InputError) throw new TopologyError(`${at}: ${e.message}`);
    throw e;
  }
}

function loginName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'root';
  }
}
