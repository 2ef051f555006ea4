// why: a file name, a YAML value or a host name reported by a server can hold a newline (a forged
// line of output), ESC / CSI / OSC / C1 sequences (terminal control: colours, titles, cursor
// moves, hyperlinks) or bidi overrides (text that reads otherwise than it is). Controls (Cc),
// format characters (Cf: bidi, zero-width, BOM), line and paragraph separators, and lone
// surrogates are shown as escapes instead; every other character passes unchanged.
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escape(c: string): string {
  const short = SHORT[c];
  if (short !== undefined) return short;
  const code = c.codePointAt(0)!;
  const hex = code.toString(16);
  if (code <= 0xff) return `\\x${hex.padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${hex.padStart(4, '0')}`;
  return `\\u{${hex}}`;
}

/**
 * Untrusted text as it may be shown on a terminal or in a log: one line, no control sequence,
 * no invisible reordering; each such character becomes a visible escape (`\n`, `\x1b`, `\u202e`).
 * Every human-readable output renders the values it did not write itself through this function.
 */
export function terminalText(text: string): string {
  return text.replace(UNSAFE, escape);
}
