import { FAILSAFE_SCHEMA, NOT_RESOLVED, defineScalarTag, load } from 'js-yaml';

/**
 * The plain data of a policy file without building yaml's AST. js-yaml reads the usual policy
 * some three times faster than `yaml` composes its AST, and the AST is needed only for a position:
 * most files of a large repository never produce a finding. `yaml` stays the parser whose reading
 * counts (parseSource): this one is used only where the two cannot differ, so that the data is
 * the same either way, and declines every file where they could.
 */
export function plainData(text: string): { data: unknown } | undefined {
  if (DECLINED_TEXT.test(text) || hasLongLine(text)) return undefined;
  let data: unknown;
  try {
    data = load(text, { schema: CORE });
  } catch {
    // why: a file js-yaml refuses (a syntax error, a duplicate key) is read by `yaml`, whose errors are the ones reported.
    return undefined;
  }
  return data !== null && typeof data === 'object' && keysAsWritten(data) ? { data } : undefined;
}

/**
 * What the fast reading leaves to `yaml`: anchors and aliases (`&`, `*`; yaml limits their
 * expansion and reports unresolved ones), tags (`!`), directives (`%`), merge keys (`<<`),
 * document markers (`---`, `...`), escapes (`\`; yaml reports lone surrogates), tabs and line
 * breaks other than LF and CRLF (where indentation and folding rules are most often read
 * differently), a byte order mark, and `__proto__` keys. Conservative: a declined file is only
 * read slower.
 */
const DECLINED_TEXT = /[&*!%\\\t\uFEFF\u0085\u2028\u2029]|\r(?!\n)|<<|---|\.\.\.|__proto__/;

/**
 * Whether a line is longer than 1,000 characters. `yaml` refuses an implicit key whose `:` is more
 * than 1,024 characters from its start (KEY_OVER_1024_CHARS), js-yaml reads it; such a key, its
 * spaces or its quotes (`''` is one character of the key) are all on one line.
 */
function hasLongLine(text: string): boolean {
  let start = 0;
  for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
    if (end - start > 1000) return true;
    start = end + 1;
  }
  return text.length - start > 1000;
}

/*
 * The YAML 1.2 core schema as `yaml` resolves plain scalars (its version 2 core tags): the same
 * patterns and the same constructions, so that `0o17`, `+5`, `1e3` or `.NaN` become the same
 * numbers here as there. Quoted scalars are strings in both.
 */
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

const DIGITS = [...'0123456789'];

const CORE = FAILSAFE_SCHEMA.withTags(
  defineScalarTag('tag:yaml.org,2002:null', {
    implicit: true,
    implicitFirstChars: ['', '~', 'n', 'N'],
    resolve: (s) => (NULL.test(s) ? null : NOT_RESOLVED),
    identify: (v) => v === null,
  }),
  defineScalarTag('tag:yaml.org,2002:bool', {
    implicit: true,
    implicitFirstChars: ['t', 'T', 'f', 'F'],
    resolve: (s) => (BOOL.test(s) ? s[0] === 't' || s[0] === 'T' : NOT_RESOLVED),
    identify: (v) => typeof v === 'boolean',
  }),
  defineScalarTag('tag:yaml.org,2002:int', {
    implicit: true,
    implicitFirstChars: [...DIGITS, '-', '+'],
    resolve: (s) => (INT_OCT.test(s) ? parseInt(s.substring(2), 8) : INT.test(s) ? parseInt(s, 10) : INT_HEX.test(s) ? parseInt(s.substring(2), 16) : NOT_RESOLVED),
    identify: (v) => Number.isInteger(v),
  }),
  defineScalarTag('tag:yaml.org,2002:float', {
    implicit: true,
    implicitFirstChars: [...DIGITS, '-', '+', '.'],
    resolve: (s) =>
      FLOAT_NAN.test(s)
        ? s.slice(-3).toLowerCase() === 'nan'
          ? NaN
          : s[0] === '-'
            ? Number.NEGATIVE_INFINITY
            : Number.POSITIVE_INFINITY
        : FLOAT_EXP.test(s) || FLOAT.test(s)
          ? parseFloat(s)
          : NOT_RESOLVED,
    identify: (v) => typeof v === 'number',
  }),
);

/**
 * Whether every key is the text written. parseSource reads keys as strings (`10.10:` is the host
 * `10.10`, not the number 10.1), js-yaml resolves them as values and writes the result as a
 * string (`10.1`). A key that reads as a null, a boolean or a number here may be either, so its
 * file is declined.
 */
function keysAsWritten(value: unknown): boolean {
  if (Array.isArray(value)) return value.every((v) => typeof v !== 'object' || v === null || keysAsWritten(v));
  for (const [key, v] of Object.entries(value as object)) {
    if (MAY_NOT_BE_A_STRING.test(key) && NOT_A_STRING.some((re) => re.test(key))) return false;
    if (typeof v === 'object' && v !== null && !keysAsWritten(v)) return false;
  }
  return true;
}

const NOT_A_STRING = [NULL, BOOL, INT_OCT, INT, INT_HEX, FLOAT_NAN, FLOAT_EXP, FLOAT, /^-?Infinity$|^NaN$/];
/** The first characters of what NOT_A_STRING matches (and the empty key): most keys, host names, are ruled out by it. */
const MAY_NOT_BE_A_STRING = /^(?:$|[~nNtTfFI0-9+.-])/;
