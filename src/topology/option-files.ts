import { createDecipheriv } from 'node:crypto';
import { lstatSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { errnoText } from '../util/errno.js';
import { InputError, readInputBytes } from '../util/input-file.js';
import { TopologyError } from './model.js';
import { readTopologyFile } from './read-file.js';

/**
 * MySQL / MariaDB option files read the way their clients read them (checked line by line against
 * MariaDB's `my_print_defaults` in test/topology/option-files.test.ts): groups matched without
 * regard to case, `#` comments outside quotes, `!include` / `!includedir`, quotes around a whole
 * value, the escapes `\n \t \r \b \s \" \' \\`; an option before any group or an unclosed group
 * header is an error, as it is for the client. Values are never put in messages.
 */

/** One option in reading order; `true` for an option given without `=`. */
export interface OptionValue {
  name: string;
  value: string | true;
  /** Where it was read, for messages: `file:line`. */
  at: string;
}

/** Where options come from, as the client's own flags say. */
export interface OptionSources {
  /** `--defaults-file`: only this file (and the login path file). */
  defaultsFile?: string;
  /** `--defaults-extra-file`: read after the global files, before `~/.my.cnf`. */
  defaultsExtraFile?: string;
  /** `--no-defaults`: no option file at all (the login path file is still read). */
  noDefaults?: boolean;
  /** `--login-path`: this group of `~/.mylogin.cnf` (MySQL's mysql_config_editor), and of the option files. */
  loginPath?: string;
}

/** The groups succession reads: the clients' own, MariaDB's, and its own `[succession]`. */
export const CLIENT_GROUPS = ['client', 'client-server', 'client-mariadb', 'succession'];

/** The option files the client reads, in order, when no `--defaults-file` names one. */
export function defaultOptionFiles(env: NodeJS.ProcessEnv, sources: OptionSources = {}): string[] {
  if (sources.noDefaults) return [];
  if (sources.defaultsFile !== undefined) return [sources.defaultsFile];
  const home = env.MARIADB_HOME ?? env.MYSQL_HOME;
  return [
    '/etc/my.cnf',
    '/etc/mysql/my.cnf',
    ...(home ? [join(home, 'my.cnf')] : []),
    ...(sources.defaultsExtraFile !== undefined ? [sources.defaultsExtraFile] : []),
    join(env.HOME ?? homedir(), '.my.cnf'),
  ];
}

/**
 * Every option of `groups` in the files the client would read, in reading order (a later one
 * overrides an earlier one). A file named by `--defaults-file` or `--defaults-extra-file` must
 * exist; the default ones are read when they do.
 */
export function readOptions(env: NodeJS.ProcessEnv, sources: OptionSources = {}, groups: readonly string[] = CLIENT_GROUPS): OptionValue[] {
  const wanted = new Set([...groups, ...(sources.loginPath !== undefined ? [sources.loginPath] : [])].map((g) => g.toLowerCase()));
  const out: OptionValue[] = [];
  const required = new Set([sources.defaultsFile, sources.defaultsExtraFile].filter((f) => f !== undefined));
  for (const file of defaultOptionFiles(env, sources)) readFile(file, wanted, out, required.has(file), 0);
  out.push(...readLoginPath(env, sources.loginPath ?? 'client'));
  return out;
}

/** The last value of each option (names with `-` for `_`, without `loose-`), as the client applies them. */
export function lastValues(options: readonly OptionValue[]): Map<string, OptionValue> {
  const out = new Map<string, OptionValue>();
  for (const o of options) out.set(o.name.toLowerCase().replace(/_/g, '-').replace(/^loose-/, ''), o);
  return out;
}

const MAX_INCLUDE_DEPTH = 10;

function readFile(file: string, groups: ReadonlySet<string>, out: OptionValue[], required: boolean, depth: number): void {
  if (!required && !exists(file)) return;
  parse(file, readTopologyFile(file, 'option file'), groups, out, depth);
}

function exists(file: string): boolean {
  try {
    return lstatSync(file, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}

function parse(file: string, text: string, groups: ReadonlySet<string>, out: OptionValue[], depth: number): void {
  let inGroup: boolean | undefined;
  const lines = text.split('\n');
  for (const [i, raw] of lines.entries()) {
    const at = `${file}:${i + 1}`;
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.startsWith('!')) {
      include(line, at, groups, out, depth);
      continue;
    }
    if (line.startsWith('[')) {
      const end = line.indexOf(']');
      if (end < 0) throw new TopologyError(`${at}: a group header without "]"`);
      inGroup = groups.has(line.slice(1, end).replace(/\s+$/, '').toLowerCase());
      continue;
    }
    if (inGroup === undefined) throw new TopologyError(`${at}: an option before any [group]`);
    if (!inGroup) continue;
    const text = withoutComment(line).replace(/\s+$/, '');
    const eq = text.indexOf('=');
    if (eq < 0) {
      out.push({ name: text, value: true, at });
      continue;
    }
    out.push({ name: text.slice(0, eq).replace(/\s+$/, ''), value: unescape(unquote(text.slice(eq + 1).replace(/^\s+/, ''))), at });
  }
}

function include(line: string, at: string, groups: ReadonlySet<string>, out: OptionValue[], depth: number): void {
  const m = /^!(includedir|include)\s+(.*?)\s*$/.exec(line);
  // why: the client ignores other `!` lines and includes nested too deep.
  if (!m || depth >= MAX_INCLUDE_DEPTH) return;
  if (m[1] === 'include') {
    readFile(m[2]!, groups, out, false, depth + 1);
    return;
  }
  let names: string[];
  try {
    names = readdirSync(m[2]!).filter((n) => n.endsWith('.cnf')).sort();
  } catch (e) {
    throw new TopologyError(`${at}: cannot read !includedir ${m[2]}: ${errnoText(e)}`);
  }
  for (const n of names) readFile(join(m[2]!, n), groups, out, false, depth + 1);
}

/** The line up to a `#` outside quotes (a `;` in a value is not a comment). */
function withoutComment(line: string): string {
  let quote = '';
  let escaped = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if ((c === '"' || c === "'") && !escaped) {
      if (quote === '') quote = c;
      else if (quote === c) quote = '';
    } else if (quote === '' && c === '#') return line.slice(0, i);
    escaped = quote !== '' && c === '\\' && !escaped;
  }
  return line;
}

function unquote(v: string): string {
  if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.at(-1) === v[0]) return v.slice(1, -1);
  return v;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', s: ' ', '"': '"', "'": "'", '\\': '\\' };

function unescape(v: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    if (v[i] === '\\' && i < v.length - 1) {
      const next = v[++i]!;
      out += ESCAPES[next] ?? `\\${next}`;
    } else out += v[i];
  }
  return out;
}

/**
 * `~/.mylogin.cnf` (or MYSQL_TEST_LOGIN_FILE), written by MySQL's mysql_config_editor: after 4
 * unused bytes, a 20-byte key folded into an AES-128 key, then AES-128-ECB chunks, each after its
 * length (4 bytes, little-endian). Its `[client]` group and the login path's group are read.
 */
function readLoginPath(env: NodeJS.ProcessEnv, loginPath: string): OptionValue[] {
  const file = env.MYSQL_TEST_LOGIN_FILE ?? join(env.HOME ?? homedir(), '.mylogin.cnf');
  if (lstatSync(file, { throwIfNoEntry: false }) === undefined) return [];
  let data: Buffer;
  try {
    data = readInputBytes(file, 'login path file');
  } catch (e) {
    if (e instanceof InputError) throw new TopologyError(e.message);
    throw e;
  }
  const out: OptionValue[] = [];
  parse(file, decryptLoginFile(file, data), new Set(['client', loginPath.toLowerCase()]), out, MAX_INCLUDE_DEPTH);
  return out;
}

export function decryptLoginFile(file: string, data: Buffer): string {
  if (data.length < 24) throw new TopologyError(`${file}: not a login path file (too short)`);
  const key = Buffer.alloc(16);
  for (let i = 0; i < 20; i++) key[i % 16]! ^= data[4 + i]!;
  let text = '';
  for (let at = 24; at < data.length; ) {
    if (at + 4 > data.length) throw new TopologyError(`${file}: not a login path file (truncated)`);
    const length = data.readUInt32LE(at);
    const chunk = data.subarray(at + 4, at + 4 + length);
    if (chunk.length !== length || length % 16 !== 0) throw new TopologyError(`${file}: not a login path file (truncated)`);
    try {
      const d = createDecipheriv('aes-128-ecb', key, null);
      text += Buffer.concat([d.update(chunk), d.final()]).toString('utf8');
    } catch {
      throw new TopologyError(`${file}: not a login path file (it does not decrypt)`);
    }
    at += 4 + length;
  }
  return text;
}
