/**
 * A small lexer for the MySQL statements the meta SQL uses: enough to split statements at `;`
 * and decode string literals the way the server does, with and without NO_BACKSLASH_ESCAPES.
 */
export interface Lexed {
  statements: string[];
  /** The decoded string literals of each statement. */
  literals: string[][];
}

const ESCAPES: Record<string, string> = { '0': '\u0000', n: '\n', r: '\r', t: '\t', Z: '\u001a', b: '\b' };

export function lex(sql: string, noBackslashEscapes: boolean): Lexed {
  const statements: string[] = [];
  const literals: string[][] = [];
  let current = '';
  let lits: string[] = [];
  let i = 0;
  const end = () => {
    if (current.trim() !== '') {
      statements.push(current.trim());
      literals.push(lits);
    }
    current = '';
    lits = [];
  };
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === '-' && sql.startsWith('-- ', i)) {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? sql.length : nl + 1;
      continue;
    }
    if (c === '`') {
      const close = sql.indexOf('`', i + 1);
      if (close < 0) throw new Error('unterminated identifier');
      current += sql.slice(i, close + 1);
      i = close + 1;
      continue;
    }
    if (c === "'") {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= sql.length) throw new Error('unterminated string literal');
        const d = sql[j]!;
        if (d === '\\' && !noBackslashEscapes) {
          const e = sql[j + 1]!;
          value += ESCAPES[e] ?? e;
          j += 2;
        } else if (d === "'" && sql[j + 1] === "'") {
          value += "'";
          j += 2;
        } else if (d === "'") {
          break;
        } else {
          value += d;
          j += 1;
        }
      }
      lits.push(value);
      current += '?';
      i = j + 1;
      continue;
    }
    if (c === ';') {
      end();
      i += 1;
      continue;
    }
    current += c;
    i += 1;
  }
  end();
  return { statements, literals };
}
