/**
 * What the engines read back from a value succession writes, so that a value they would read
 * otherwise than the policy says is refused (`unsafe-engine-value`) instead of written.
 */

/**
 * Unicode blanks beyond ASCII (White_Space, plus the zero-width ones that some splitters take for
 * blanks). cmon splits commands and list values at them; a shell does not, so a hook's first word
 * would be another word for the engine than for the policy.
 */
const UNICODE_BLANK = /[\u0085\u00a0\u1680\u180e\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff]/;

/** Characters a shell word may hold without quoting, expansion or ending the command. */
const SHELL_PLAIN = /^[A-Za-z0-9_./@%+,:-]+$/;

function codePoint(c: string): string {
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Why a hook's first word cannot be written as the script of a single-script engine (cmon, MHA),
 * or undefined when it can. The policy's command is a shell command (orchestrator runs it with a
 * shell); cmon and MHA get only its first word, and MHA runs that word with its own options
 * through a shell again (`system("<script> --command=...")`). Only a plain word is the same word
 * for all of them: a quote, `$`, `;`, a glob or a Unicode blank makes it another command.
 */
export function scriptProblem(script: string): string | undefined {
  const blank = UNICODE_BLANK.exec(script);
  if (blank) return `holds a Unicode space (${codePoint(blank[0])}), at which the engine splits the command while a shell does not`;
  const special = [...new Set([...script].filter((c) => c.charCodeAt(0) < 0x80 && !SHELL_PLAIN.test(c)))];
  if (special.length > 0) {
    return `is not a plain path: a shell reads ${special.map((c) => (/[\u0000-\u001f\u007f]/.test(c) ? codePoint(c) : `\`${c}\``)).join(' ')} as quoting, expansion or a command separator, so this word is not the script the command runs (and MHA runs it through a shell)`;
  }
  return undefined;
}

/** A value cmon reads back unchanged: cmon's own quoting cannot carry a quote, backslash, control character or Unicode blank. */
export function cmonProblem(value: string): string | undefined {
  if (/['\\\u0000-\u001f\u007f]/.test(value)) return "holds a quote, backslash or control character that cmon's single-quoted values cannot carry";
  const blank = UNICODE_BLANK.exec(value);
  if (blank) return `holds a Unicode space (${codePoint(blank[0])}), at which cmon's reader splits values`;
  return undefined;
}

// --- MHA 0.58 ------------------------------------------------------------------------------

/** Perl's `\s` on a byte string (Config::Tiny reads the file as bytes): ASCII blanks only. */
const B = '[\\t\\n\\x0b\\f\\r ]';
const TINY_COMMENT = new RegExp(`^${B}*(?:#|;|$)`);
const TINY_INLINE_COMMENT = new RegExp(`${B};${B}[^\\n]+$`);
const TINY_PROPERTY = new RegExp(`^${B}*([^=]+?)${B}*=${B}*([^\\n]*?)${B}*$`);

/**
 * Keys for which MHA::Config::parse_server, taking a value over from `[server default]`, puts its
 * own default in place of an empty or `0` value (`$v = 'root' unless $v`).
 */
const FALLBACK_WHEN_FALSE = new Set(['port', 'ssh_port', 'ssh_connection_timeout', 'user', 'log_level', 'master_binlog_dir', 'manager_workdir', 'remote_workdir', 'ssh_user']);

const perlTrue = (v: string) => v !== '' && v !== '0';

/** One run of parse_server over a value it holds: master_binlog_dir loses its blanks, any true value a trailing quote (and a leading one with it). */
function parseServerPass(key: string, value: string): string {
  let v = value;
  if (key === 'master_binlog_dir' && perlTrue(v)) v = v.replace(new RegExp(B, 'g'), '');
  if (perlTrue(v)) v = v.replace(/^['"]?([^\n]*)['"]$/, '$1');
  return v;
}

/**
 * What MHA 0.58 holds for the line `key=value`, read by Config::Tiny 2.x (whole-line comments,
 * ` ; ` inline comments, blanks trimmed) and MHA::Config::parse_server (quotes stripped).
 * `inherited`: a `[server default]` value, which every `[serverN]` block takes over by running
 * parse_server on it a second time. Undefined when MHA holds no value of its own (a comment, or
 * its default in place of a false one).
 */
export function mhaReads(key: string, value: string, inherited: boolean): string | undefined {
  const line = `${key}=${value}`;
  if (/[\r\n]/.test(line) || TINY_COMMENT.test(line)) return undefined;
  const m = TINY_PROPERTY.exec(line.replace(TINY_INLINE_COMMENT, ''));
  if (!m || m[1] !== key) return undefined;
  let v = parseServerPass(key, m[2]!);
  if (!inherited) return v;
  if (FALLBACK_WHEN_FALSE.has(key) && !perlTrue(v)) return undefined;
  v = parseServerPass(key, v);
  return v;
}

/** Why MHA would read `key=value` otherwise than written, or undefined when it reads it back unchanged. */
export function mhaProblem(key: string, value: string, inherited: boolean): string | undefined {
  if (/[\u0000-\u001f\u007f]/.test(value)) return "holds a control character; MHA's key=value lines cannot carry it";
  const read = mhaReads(key, value, inherited);
  if (read === value) return undefined;
  const as = read === undefined ? 'would be replaced by MHA with its own default' : `would be read by MHA as ${JSON.stringify(read)}`;
  return `${as}: its config reader cuts a " ; " comment, trims blanks, strips a trailing quote (with a leading one), and takes an empty or "0" value for unset`;
}
