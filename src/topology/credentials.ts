import { userInfo } from 'node:os';
import { parse } from 'ini';
import { TopologyError } from './model.js';
import type { Credentials, TlsSettings } from './mysql-connection.js';
import { InputError, readInputFile } from '../util/input-file.js';
import { readTopologyFile } from './read-file.js';

/**
 * Discovery credentials: `--defaults-file` (my.cnf format, `[client]` section) when given, else
 * `MYSQL_USER` / `MYSQL_PWD`; the user defaults to the login name, as the mysql client does.
 * TLS settings come from the same section. Passwords are never put in messages.
 */
export function resolveCredentials(env: NodeJS.ProcessEnv, defaultsFile?: string): Credentials {
  const fromEnv: Credentials = { user: env.MYSQL_USER || loginName() };
  if (env.MYSQL_PWD !== undefined) fromEnv.password = env.MYSQL_PWD;
  if (defaultsFile === undefined) return fromEnv;
  const client = readClientSection(defaultsFile);
  const user = client.get('user');
  const password = client.get('password');
  const out: Credentials = { user: typeof user === 'string' && user !== '' ? user : fromEnv.user };
  if (password === true) {
    throw new TopologyError(`${defaultsFile}: "password" has no value in [client] (prompting for a password is not supported)`);
  }
  if (typeof password === 'string') out.password = password;
  else if (fromEnv.password !== undefined) out.password = fromEnv.password;
  const tls = tlsSettings(client, defaultsFile);
  if (tls) out.tls = tls;
  return out;
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
function tlsSettings(client: Map<string, string | true>, file: string): TlsSettings | undefined {
  const text = (k: string): string | undefined => {
    const v = client.get(k);
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const on = (k: string): boolean => {
    const v = client.get(k);
    return v === true || (typeof v === 'string' && /^(1|on|true|yes)$/i.test(v));
  };
  const modeText = text('ssl_mode');
  let mode: TlsSettings['mode'] | 'off' | undefined;
  if (modeText !== undefined) {
    mode = SSL_MODES[modeText.toLowerCase()];
    if (mode === undefined) throw new TopologyError(`${file}: unknown ssl-mode "${modeText}" in [client] (DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY)`);
  } else if (on('ssl_verify_server_cert')) mode = 'verify-identity';
  else if (text('ssl_ca') !== undefined) mode = 'verify-ca';
  else if (on('ssl')) mode = 'required';
  if (mode === undefined || mode === 'off') return undefined;
  const out: TlsSettings = { mode };
  for (const [option, field] of [['ssl_ca', 'ca'], ['ssl_cert', 'cert'], ['ssl_key', 'key']] as const) {
    const path = text(option);
    if (path !== undefined) out[field] = readPem(path, option, file);
  }
  if (mode !== 'required' && out.ca === undefined) throw new TopologyError(`${file}: ssl-mode ${modeText ?? 'verification'} needs ssl-ca in [client]`);
  return out;
}

function readPem(path: string, option: string, file: string): string {
  try {
    return readInputFile(path, option.replace(/_/g, '-'));
  } catch (e) {
    if (e instanceof InputError) throw new TopologyError(`${file}: ${e.message}`);
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

/** The `[client]` section, keys normalised (`-` and `_` are the same in option files). */
function readClientSection(path: string): Map<string, string | true> {
  const text = readTopologyFile(path, 'defaults file');
  // why: `!include` / `!includedir` lines are not ini; the [client] keys discovery needs are local.
  const data = parse(text.replace(/^\s*!.*$/gm, '')) as Record<string, unknown>;
  const section = data.client;
  const out = new Map<string, string | true>();
  if (typeof section !== 'object' || section === null) return out;
  for (const [k, v] of Object.entries(section as Record<string, unknown>)) {
    const key = k.trim().toLowerCase().replace(/-/g, '_');
    if (v === true) out.set(key, true);
    else if (typeof v === 'string') out.set(key, unquote(v.trim()));
  }
  return out;
}

function unquote(v: string): string {
  if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) return v.slice(1, -1);
  return v;
}
