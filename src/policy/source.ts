import { LineCounter, Parser, isScalar, parseDocument, visit, type Alias, type CST, type Document } from 'yaml';
import type { Span } from '../findings.js';
import { plainData } from './plain-data.js';

/** A YAML input file as read: text, AST with positions, and plain data. */
export interface SourceFile {
  /** Path as given by the user (or `<stdin>`), used in every finding. */
  path: string;
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** The document as plain JSON data; undefined when the YAML has syntax errors. */
  data: unknown;
  syntaxErrors: SyntaxProblem[];
}

export interface SyntaxProblem extends Span {
  code: string;
  message: string;
}

/**
 * Parses one YAML file. Syntax errors (including duplicate keys, which `yaml` would otherwise
 * resolve silently as "last one wins") are collected, never thrown. A file whose plain data
 * js-yaml reads as `yaml` would (see plainData) gets its AST only when a position is asked for,
 * unless `astNeeded`.
 */
export function parseSource(path: string, text: string, astNeeded = false): SourceFile {
  const refused = refusal(path, text);
  if (refused !== undefined) return refused;
  // why: a caller that will ask for a position in nearly every file (a build that keeps every finding in its cache) is spared reading each twice.
  if (astNeeded) return parseYaml(path, text);
  const plain = plainData(text);
  return plain === undefined ? parseYaml(path, text) : positionedLater(path, text, plain.data);
}

/** parseSource with `yaml` alone: for a file whose data is known and whose AST is asked for. */
export function yamlSource(path: string, text: string): SourceFile {
  return refusal(path, text) ?? parseYaml(path, text);
}

/** A file refused before it is parsed: a forbidden character, or collections nested too deep. */
function refusal(path: string, text: string): SourceFile | undefined {
  const bad = forbiddenCharacter(text);
  if (bad !== undefined) return refusedSource(path, text, bad.offset, 'BAD_CHARACTER', bad.message);
  const deep = tooDeep(text);
  if (deep !== undefined) return refusedSource(path, text, deep, 'TOO_DEEP', `Collections are nested more than ${MAX_NESTING} levels deep`);
  return undefined;
}

/** A file read by plainData: `yaml` builds its AST on the first position asked for. */
function positionedLater(path: string, text: string, data: unknown): SourceFile {
  let parsed: ReturnType<typeof composeYaml> | undefined;
  const full = () => {
    if (parsed !== undefined) return parsed;
    parsed = composeYaml(text);
    // why: the two readings agreeing is what plainData promises; positions in a document yaml
    // rejects would point anywhere, so a break of that promise stops the run instead.
    if (parsed.syntaxErrors.length > 0) throw new Error(`${path}: js-yaml read data where yaml finds a syntax error (${parsed.syntaxErrors[0]!.message}); this is a bug in succession`);
    return parsed;
  };
  return astLater(path, () => text, data, full);
}

/** A file whose data is known and whose AST `ast` builds when a position is first asked for. */
function astLater(path: string, text: () => string, data: unknown, ast: () => Pick<SourceFile, 'doc' | 'lineCounter'>): SourceFile {
  return {
    path,
    get text() {
      return text();
    },
    data,
    syntaxErrors: [],
    get doc() {
      return ast().doc;
    },
    get lineCounter() {
      return ast().lineCounter;
    },
  };
}

/** Parses one YAML file with `yaml`, which has checked it for forbidden characters and nesting depth. */
function parseYaml(path: string, text: string): SourceFile {
  const { doc, lineCounter, syntaxErrors } = composeYaml(text);
  // why: each check below walks the whole AST (together some 8% of reading a policy), and a file can need it only
  // when it holds an alias, written `*name`, or an escape: a string holds a lone surrogate only
  // through `\u` or `\U` escapes, since forbiddenCharacter refused a raw one.
  if (text.includes('*') && syntaxErrors.every((e) => e.code === 'NON_STRING_KEY')) {
    // why: an alias used as a key is reported as such a key already; the others are still worth saying at once.
    const keys = new Set(syntaxErrors.map((e) => `${e.line}:${e.column}`));
    syntaxErrors.push(...unresolvedAliases(doc, lineCounter).filter((a) => !keys.has(`${a.line}:${a.column}`)));
  }
  if (syntaxErrors.length === 0 && text.includes('\\')) {
    const escaped = loneSurrogateScalar(doc);
    if (escaped !== undefined) syntaxErrors.push(problemAt(lineCounter, escaped.offset, 'BAD_CHARACTER', escaped.message));
  }
  let data: unknown;
  if (syntaxErrors.length === 0) {
    try {
      data = doc.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      // why: what is left is an alias bomb; its first alias is where the expansion starts.
      syntaxErrors.push({ code: 'BAD_ALIAS', message: (e as Error).message, ...aliasSpan(doc, lineCounter) });
    }
  }
  return { path, text, doc, lineCounter, data, syntaxErrors };
}

/** yaml's AST of `text` and its syntax errors: what a file plainData read needs for a position (it holds no alias and no escape). */
function composeYaml(text: string): { doc: Document.Parsed; lineCounter: LineCounter; syntaxErrors: SyntaxProblem[] } {
  const lineCounter = new LineCounter();
  // why: parseDocument (not parseAllDocuments): a stray `---` becomes an error instead of a file whose rest is ignored.
  const doc = parseDocument(text, {
    lineCounter,
    uniqueKeys: sameKeyInData,
    prettyErrors: false,
    merge: true,
    // why: a key means the text written: unquoted, the host key `10.10:` would be the number 10.1
    // and `1e3:` the number 1000, another host than the one named, with nothing said.
    stringKeys: true,
    // why: yaml's warnings go to process.emitWarning, i.e. a stray "(node:123) Warning" on stderr.
    logLevel: 'error',
  });
  const syntaxErrors: SyntaxProblem[] = doc.errors.map((e) => {
    const start = lineCounter.linePos(e.pos[0]);
    const end = lineCounter.linePos(Math.max(e.pos[1], e.pos[0] + 1));
    return {
      code: e.code,
      // why: yaml's own words name its option (stringKeys), not the problem in the file.
      message: e.code === 'NON_STRING_KEY' ? 'A key must be plain text, not a list, a map or an alias' : firstLine(e.message),
      line: start.line,
      column: start.col,
      endLine: end.line,
      endColumn: end.col,
    };
  });
  return { doc, lineCounter, syntaxErrors };
}

/**
 * Deepest nesting of collections a policy file may have. yaml composes a document recursively, and
 * where it runs out of stack depends on the thread (worker threads have other stack sizes) and on
 * JIT state, so the same file got different findings from `lint` on 10 files and on 1,000. A
 * fixed limit, far below any stack's and far above any real policy's, keeps findings the same.
 */
export const MAX_NESTING = 128;

/** Offset of the first collection nested deeper than MAX_NESTING, if any. */
function tooDeep(text: string): number | undefined {
  // why: every collection starts with `[`, `{`, a `:` or a `-`/`?` indicator; a file with fewer of
  // them cannot nest deeper, and the exact check below costs another parse.
  let openers = 0;
  for (let i = 0; i < text.length && openers <= MAX_NESTING; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b || c === 0x3a) openers++;
    else if ((c === 0x2d || c === 0x3f) && !(text.charCodeAt(i + 1) > 0x20)) openers++;
  }
  if (openers <= MAX_NESTING) return undefined;
  // yaml's CST parser keeps its own stack, so it reads any depth; the walk is iterative for the same reason.
  const stack: [CST.Token, number][] = [...new Parser().parse(text)].map((t): [CST.Token, number] => [t, 0]);
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [token, depth] = next;
    if (token.type === 'document' && token.value) stack.push([token.value, depth]);
    if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection') continue;
    if (depth >= MAX_NESTING) return token.offset;
    for (const item of token.items) {
      if (item.key) stack.push([item.key, depth + 1]);
      if (item.value) stack.push([item.value, depth + 1]);
    }
  }
  return undefined;
}

/** A file refused before it is parsed: one syntax problem at `offset`, no data. */
function refusedSource(path: string, text: string, offset: number, code: string, message: string): SourceFile {
  const lineCounter = new LineCounter();
  lineCounter.addNewLine(0);
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
  return { path, text, doc: parseDocument(''), lineCounter, data: undefined, syntaxErrors: [problemAt(lineCounter, offset, code, message)] };
}

function problemAt(lineCounter: LineCounter, offset: number, code: string, message: string): SyntaxProblem {
  const at = lineCounter.linePos(offset);
  return { code, message, line: at.line, column: at.col, endLine: at.line, endColumn: at.col + 1 };
}

/**
 * What YAML 1.2 does not allow in a stream (§5.1, c-printable): C0 controls other than tab, LF
 * and CR, DEL, C1 controls other than NEL, U+FFFE / U+FFFF; and a UTF-16 surrogate without its
 * pair, which is no character at all. Refused rather than passed on into a generated file.
 */
const FORBIDDEN = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The first character YAML forbids in `text`, if any. */
export function forbiddenCharacter(text: string): { offset: number; message: string } | undefined {
  const m = FORBIDDEN.exec(text);
  if (!m) return undefined;
  const code = m[0].charCodeAt(0);
  const name = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  const what = code >= 0xd800 && code <= 0xdfff ? 'a lone UTF-16 surrogate, not a character' : code === 0 ? 'NUL' : code === 0xfffe || code === 0xffff ? 'a noncharacter' : 'a control character';
  return { offset: m.index, message: `Character ${name} (${what}) is not allowed in YAML` };
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A scalar whose escapes (`"\ud800"`) make a lone surrogate: no encoding can write that string. */
function loneSurrogateScalar(doc: Document.Parsed): { offset: number; message: string } | undefined {
  let found: { offset: number; message: string } | undefined;
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string' || !LONE_SURROGATE.test(node.value)) return undefined;
      found = { offset: node.range?.[0] ?? 0, message: 'An escape sequence makes a lone UTF-16 surrogate, which is not a character' };
      return visit.BREAK;
    },
  });
  return found;
}

/** True when a string anywhere in `data` (as JSON.parse made it) holds a lone surrogate. */
export function hasLoneSurrogate(data: unknown): boolean {
  if (typeof data === 'string') return LONE_SURROGATE.test(data);
  if (Array.isArray(data)) return data.some(hasLoneSurrogate);
  if (typeof data === 'object' && data !== null) return Object.entries(data).some(([k, v]) => LONE_SURROGATE.test(k) || hasLoneSurrogate(v));
  return false;
}

/**
 * A source whose plain data is already known (parsed in a worker thread, or kept by the build
 * cache) and whose YAML AST is only built when something asks for a position in it: most files of
 * a large repository never produce a finding, so their AST is never needed on the main thread. A
 * text given as a function is read only then, too.
 */
export function lazySource(path: string, text: string | (() => string), data: unknown): SourceFile {
  let parsed: SourceFile | undefined;
  let written = typeof text === 'string' ? text : undefined;
  const textOf = () => (written ??= (text as () => string)());
  return astLater(path, textOf, data, () => (parsed ??= yamlSource(path, textOf())));
}

/**
 * Key equality as the plain data sees it: `3306:` and `"3306":`, or `true:` and `"true":`, are
 * different YAML scalars but one key once the document is data, where the last would silently win.
 */
function sameKeyInData(a: unknown, b: unknown): boolean {
  return a === b || (isScalar(a) && isScalar(b) && String(a.value) === String(b.value));
}

/** Every alias without an anchor before it, at its own position (toJS would throw for the first, without one). */
function unresolvedAliases(doc: Document.Parsed, lineCounter: LineCounter): SyntaxProblem[] {
  const out: SyntaxProblem[] = [];
  visit(doc, {
    Alias(_, alias) {
      if (alias.resolve(doc) !== undefined) return;
      out.push({ code: 'BAD_ALIAS', message: `Unresolved alias *${alias.source}: no anchor &${alias.source} is set before it`, ...rangeSpan(alias, lineCounter) });
    },
  });
  return out;
}

function aliasSpan(doc: Document.Parsed, lineCounter: LineCounter): Span {
  let first: Alias | undefined;
  visit(doc, {
    Alias(_, alias) {
      first = alias;
      return visit.BREAK;
    },
  });
  return first ? rangeSpan(first, lineCounter) : { line: 1, column: 1, endLine: 1, endColumn: 1 };
}

function rangeSpan(node: Alias, lineCounter: LineCounter): Span {
  const [start, end] = node.range ?? [0, 1];
  const a = lineCounter.linePos(start);
  const b = lineCounter.linePos(Math.max(end, start + 1));
  return { line: a.line, column: a.col, endLine: b.line, endColumn: b.col };
}

function firstLine(message: string): string {
  const i = message.indexOf('\n');
  return i < 0 ? message : message.slice(0, i);
}
