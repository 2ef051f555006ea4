import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parse } from 'ini';
import { TopologyError } from './model.js';
import type { Credentials } from './mysql.js';

/**
 * Discovery credentials: `--defaults-file` (my.cnf format, `[client]` section) when given, else
 * `MYSQL_USER` / `MYSQL_PWD`; the user defaults to the login name, as the mysql client does.
 * Passwords are never put in messages.
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
  return out;
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
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TopologyError(`cannot read defaults file ${path}: ${code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message}`);
  }
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
