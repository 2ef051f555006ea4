import { TopologyError } from './model.js';
import { readTopologyFile } from './read-file.js';

/**
 * orchestrator's topology credentials file (`MySQLTopologyCredentialsConfigFile`), read the way
 * orchestrator 3.2.6 reads it: with gcfg into `[client]` `user` / `password` (go/config/config.go,
 * postReadAdjustments; vendor/gopkg.in/gcfg.v1). That is not my.cnf:
 *
 * - `#` and `;` start a comment anywhere outside double quotes, so `password=a#b` is `a`;
 * - double quotes are removed (`"p#w;d"` is `p#w;d`), with `\"`, `\\`, `\n`, `\t` inside them;
 *   single quotes are ordinary characters;
 * - outside quotes a `\` must end the line (the value continues on the next) or precede `"`;
 * - any other section or variable, or a variable without `=`, is an error, and on any error
 *   orchestrator stops at start-up ("Failed to parse gcfg data from file");
 * - a password written `${NAME}` is taken from the environment variable NAME.
 *
 * Every problem is reported with the file, line and column; never with the value.
 */
export interface OrchestratorCredentials {
  user: string;
  password: string;
}

export function readOrchestratorCredentials(path: string, env: NodeJS.ProcessEnv): OrchestratorCredentials {
  const text = readTopologyFile(path, 'orchestrator credentials file');
  return parseOrchestratorCredentials(path, text, env);
}

const REFUSED = 'orchestrator refuses to start with this file';

export function parseOrchestratorCredentials(path: string, text: string, env: NodeJS.ProcessEnv): OrchestratorCredentials {
  const src = text.startsWith('\ufeff') ? text.slice(1) : text;
  const lineStarts = [0];
  for (let k = 0; k < src.length; k++) if (src[k] === '\n') lineStarts.push(k + 1);
  const fail = (offset: number, message: string): never => {
    let line = lineStarts.length - 1;
    while (lineStarts[line]! > offset) line--;
    throw new TopologyError(`${path}:${line + 1}:${offset - lineStarts[line]! + 1}: ${message}`);
  };
  const nul = src.indexOf('\0');
  if (nul >= 0) fail(nul, `illegal character NUL (${REFUSED})`);

  let i = 0;
  const skipBlank = (): void => {
    while (src[i] === ' ' || src[i] === '\t' || src[i] === '\r') i++;
  };
  const atLineEnd = (): boolean => i >= src.length || src[i] === '\n' || src[i] === ';' || src[i] === '#';
  const identifier = (): string => {
    const start = i;
    if (isLetter(src[i])) while (isLetter(src[i]) || isDigit(src[i]) || src[i] === '-') i++;
    return src.slice(start, i);
  };

  let inClient: boolean | undefined;
  const values = new Map<'user' | 'password', { value: string; offset: number }>();
  while (i < src.length) {
    skipBlank();
    const c = src[i];
    if (c === undefined) break;
    if (c === '\n') {
      i++;
    } else if (c === ';' || c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '[') {
      const start = i;
      i++;
      skipBlank();
      const name = identifier();
      if (name === '') fail(i, `expected a section name (${REFUSED})`);
      skipBlank();
      let subsection = false;
      if (src[i] === '"') {
        subsection = true;
        i = quotedEnd(src, i + 1, fail);
        skipBlank();
      }
      if (src[i] !== ']') fail(i, `expected "]" (${REFUSED})`);
      i++;
      skipBlank();
      if (!atLineEnd()) fail(i, `expected the end of the line after the section header (${REFUSED})`);
      inClient = name.toLowerCase() === 'client' && !subsection;
      if (!inClient) fail(start, `section "${name}${subsection ? ' "…"' : ''}" is not [client]: orchestrator reads only [client] user and password, and ${REFUSED}`);
    } else if (isLetter(c)) {
      const start = i;
      const name = identifier();
      if (inClient === undefined) fail(start, `expected a section header before "${name}" (${REFUSED})`);
      const key = name.toLowerCase().replace(/-/g, '_');
      if (key !== 'user' && key !== 'password') fail(start, `unknown variable "${name}" in [client]: orchestrator reads only user and password, and ${REFUSED}`);
      skipBlank();
      if (atLineEnd()) fail(start, `"${name}" has no value (${REFUSED})`);
      if (src[i] !== '=') fail(i, `expected "=" after "${name}" (${REFUSED})`);
      i++;
      skipBlank();
      const offset = i;
      const scanned = scanValue(src, i, fail);
      i = scanned.next;
      values.set(key as 'user' | 'password', { value: unquote(scanned.raw), offset });
    } else {
      fail(i, `expected a section header or a variable (${REFUSED})`);
    }
  }

  const user = values.get('user')?.value ?? '';
  if (user === '') throw new TopologyError(`${path}: no user in [client] (orchestrator would log in with an empty user name)`);
  const password = values.get('password');
  if (password === undefined) return { user, password: '' };
  // why: orchestrator replaces a password containing ${NAME} by that environment variable, whole.
  const fromEnv = /[$][{](.*)[}]/.exec(password.value);
  if (!fromEnv) return { user, password: password.value };
  const value = env[fromEnv[1]!];
  if (value === undefined) fail(password.offset, `the password is the environment variable ${fromEnv[1]}, which is not set here (orchestrator takes it from its own environment)`);
  return { user, password: value! };
}

function isLetter(c: string | undefined): boolean {
  return c !== undefined && (/[A-Za-z]/.test(c) || (c >= '\u0080' && /\p{L}/u.test(c)));
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && (/[0-9]/.test(c) || (c >= '\u0080' && /\p{Nd}/u.test(c)));
}

type Fail = (offset: number, message: string) => never;

/** The end of a quoted subsection name that starts after its opening quote. */
function quotedEnd(src: string, from: number, fail: Fail): number {
  let i = from;
  while (src[i] !== '"') {
    if (i >= src.length || src[i] === '\n') fail(from - 1, `unterminated string (${REFUSED})`);
    if (src[i] === '\\') {
      if (src[i + 1] !== '\\' && src[i + 1] !== '"') fail(i, `unknown escape sequence (${REFUSED})`);
      i++;
    }
    i++;
  }
  return i + 1;
}

/**
 * A value as gcfg's scanner takes it: up to the end of the line or a comment outside quotes,
 * continued past a `\` at the end of a line, trailing blanks outside quotes dropped.
 */
function scanValue(src: string, from: number, fail: Fail): { raw: string; next: number } {
  let i = from;
  let end = from;
  let quoted = false;
  while (quoted || (i < src.length && src[i] !== '\n' && src[i] !== ';' && src[i] !== '#')) {
    if (i >= src.length || (quoted && src[i] === '\n')) fail(from, `unterminated string in the value (${REFUSED})`);
    const c = src[i]!;
    i++;
    if (c === '\\' && quoted) {
      if (!['\\', '"', 'n', 't'].includes(src[i] ?? '')) fail(i - 1, `unknown escape sequence in the value (${REFUSED})`);
      i++;
    } else if (c === '\\') {
      if (src[i] === '\r') i++;
      if (src[i] !== '\n' && src[i] !== '"') fail(i - 1, `a "\\" outside quotes must end the line or precede a double quote (${REFUSED})`);
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    }
    if (quoted || (c !== ' ' && c !== '\t' && c !== '\r')) end = i;
  }
  return { raw: src.slice(from, end).replace(/\r/g, ''), next: i };
}

const ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', n: '\n', t: '\t' };

/** gcfg's unquote: quotes removed, escapes resolved, an escaped line end dropped. */
function unquote(raw: string): string {
  let out = '';
  let quoted = false;
  for (let k = 0; k < raw.length; k++) {
    const c = raw[k]!;
    if (c === '"') quoted = !quoted;
    else if (c === '\\') {
      k++;
      const next = raw[k]!;
      if (next !== '\n') out += ESCAPES[next]!;
    } else out += c;
  }
  return out;
}
