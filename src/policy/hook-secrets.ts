/**
 * Passwords written into hook commands. A hook command ends up in engine configs that many can
 * read (orchestrator.conf.json, generated files in a repository) and in the process list of the
 * host that runs it; the rule `hook-password-literal` reports each one, and every message that
 * quotes a hook command shows it through `redactSecrets`.
 */

/** How a password is passed; named in messages instead of the password itself. */
export type SecretKind = '-p…' | '--password=…' | '--password …' | 'NAME=…' | 'user:password@ in a URL';

export interface SecretSpan {
  kind: SecretKind;
  /** The variable or option that carries it, e.g. MYSQL_PWD or --password. */
  carrier: string;
  start: number;
  end: number;
}

/** Clients that take `-p<password>` / `--password`: MySQL's and MariaDB's, and the usual tools around them. */
const MYSQL_LIKE = /^(?:mysql[a-z0-9_-]*|mariadb[a-z0-9_-]*|pt-[a-z-]+|xtrabackup|innobackupex|mariabackup|mydumper|myloader|gh-ost|orchestrator-client)$/;
/** Environment variables that hold a password. */
const SECRET_VARIABLE = /^(?:MYSQL_PWD|[A-Za-z0-9_]*PASSW(?:OR)?D)$/i;
/** `--password` and the abbreviations MySQL's option parser accepts (`--pass`, `--passw`, ...), and MySQL 8's `--password1..3`. */
const PASSWORD_OPTION = /^--pass(?:w(?:o(?:r(?:d[123]?)?)?)?)?$/;
const URL_CREDENTIALS = /[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/@:]*:([^\s/@]+)@/g;

interface Word {
  text: string;
  start: number;
  end: number;
}

/** Shell words: split at unquoted ASCII blanks (the shell's IFS), quotes kept in the text. */
function words(command: string): Word[] {
  const out: Word[] = [];
  let start = -1;
  let quote = '';
  for (let i = 0; i <= command.length; i++) {
    const c = command[i];
    if (c === undefined || (quote === '' && /[ \t\n]/.test(c))) {
      if (start >= 0) out.push({ text: command.slice(start, i), start, end: i });
      start = -1;
      continue;
    }
    if (start < 0) start = i;
    if (quote !== '') {
      if (c === quote) quote = '';
      else if (c === '\\' && quote === '"') i++;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '\\') i++;
  }
  return out;
}

/** A value taken from the environment or filled in by the engine is not a literal password. */
function isLiteral(value: string): boolean {
  const v = value.replace(/^(["'])(.*)\1$/s, '$2');
  return v !== '' && !v.startsWith('$') && !/^\{[A-Za-z]+\}$/.test(v);
}

function basename(word: string): string {
  return word.replace(/^["']|["']$/g, '').split('/').at(-1) ?? '';
}

/** The password word `w` (followed by `next`) carries, if any; `mysql`: a MySQL client was named before it. */
function passwordIn(w: Word, next: Word | undefined, mysql: boolean): SecretSpan | undefined {
  // why: a quote may open before the name or option ('-pX', "MYSQL_PWD=X"); to the shell it is the same word.
  const assignment = /^(["']?)([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(w.text);
  if (assignment && SECRET_VARIABLE.test(assignment[2]!) && isLiteral(assignment[3]!)) {
    return { kind: 'NAME=…', carrier: assignment[2]!, start: w.end - assignment[3]!.length, end: w.end };
  }
  const option = /^(["']?)(--pass[a-z0-9]*)=(.*)$/s.exec(w.text);
  if (option && PASSWORD_OPTION.test(option[2]!) && isLiteral(option[3]!)) {
    return { kind: '--password=…', carrier: option[2]!, start: w.end - option[3]!.length, end: w.end };
  }
  if (!mysql) return undefined;
  const short = /^(["']?)-p(.+)$/s.exec(w.text);
  if (short && isLiteral(short[2]!)) return { kind: '-p…', carrier: '-p', start: w.end - short[2]!.length, end: w.end };
  if (PASSWORD_OPTION.test(w.text) && next && !next.text.startsWith('-') && isLiteral(next.text)) {
    return { kind: '--password …', carrier: w.text, start: next.start, end: next.end };
  }
  return undefined;
}

/** Where the command holds a password, in order; empty when it holds none. */
export function secretSpans(command: string): SecretSpan[] {
  const spans: SecretSpan[] = [];
  const list = words(command);
  let mysql = false;
  list.forEach((w, i) => {
    const span = passwordIn(w, list[i + 1], mysql);
    if (span) spans.push(span);
    else if (MYSQL_LIKE.test(basename(w.text))) mysql = true;
    // why: `-p` means a password only to a MySQL client; the command after a separator may be anything.
    if (/[;|&]$/.test(w.text)) mysql = false;
  });
  for (const m of command.matchAll(URL_CREDENTIALS)) {
    if (!isLiteral(m[1]!)) continue;
    const start = m.index + m[0].length - 1 - m[1]!.length;
    spans.push({ kind: 'user:password@ in a URL', carrier: 'URL', start, end: start + m[1]!.length });
  }
  return spans.sort((a, b) => a.start - b.start);
}

/** The command with every password replaced by `***`, for messages. */
export function redactSecrets(command: string): string {
  let out = '';
  let at = 0;
  for (const s of secretSpans(command)) {
    if (s.start < at) continue;
    out += `${command.slice(at, s.start)}***`;
    at = s.end;
  }
  return out + command.slice(at);
}
