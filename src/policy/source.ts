import { LineCounter, isScalar, parseDocument, type Document } from 'yaml';
import type { Span } from '../findings.js';

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
 * resolve silently as "last one wins") are collected, never thrown.
 */
export function parseSource(path: string, text: string): SourceFile {
  const lineCounter = new LineCounter();
  // why: parseDocument (not parseAllDocuments): a stray `---` becomes an error instead of a file whose rest is ignored.
  const doc = parseDocument(text, {
    lineCounter,
    uniqueKeys: sameKeyInData,
    prettyErrors: false,
    merge: true,
  });
  const syntaxErrors: SyntaxProblem[] = doc.errors.map((e) => {
    const start = lineCounter.linePos(e.pos[0]);
    const end = lineCounter.linePos(Math.max(e.pos[1], e.pos[0] + 1));
    return {
      code: e.code,
      message: firstLine(e.message),
      line: start.line,
      column: start.col,
      endLine: end.line,
      endColumn: end.col,
    };
  });
  let data: unknown;
  if (syntaxErrors.length === 0) {
    try {
      data = doc.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      // why: toJS throws for alias bombs and unresolvable aliases; both are the file's fault.
      syntaxErrors.push({
        code: 'BAD_ALIAS',
        message: (e as Error).message,
        line: 1,
        column: 1,
        endLine: 1,
        endColumn: 1,
      });
    }
  }
  return { path, text, doc, lineCounter, data, syntaxErrors };
}

/**
 * A source whose plain data is already known (parsed in a worker thread) and whose YAML AST is
 * only built when something asks for a position in it: most files of a large repository never
 * produce a finding, so their AST is never needed on the main thread.
 */
export function lazySource(path: string, text: string, data: unknown): SourceFile {
  let parsed: SourceFile | undefined;
  const full = () => (parsed ??= parseSource(path, text));
  return {
    path,
    text,
    data,
    syntaxErrors: [],
    get doc() {
      return full().doc;
    },
    get lineCounter() {
      return full().lineCounter;
    },
  };
}

/**
 * Key equality as the plain data sees it: `3306:` and `"3306":`, or `true:` and `"true":`, are
 * different YAML scalars but one key once the document is data, where the last would silently win.
 */
function sameKeyInData(a: unknown, b: unknown): boolean {
  return a === b || (isScalar(a) && isScalar(b) && String(a.value) === String(b.value));
}

function firstLine(message: string): string {
  const i = message.indexOf('\n');
  return i < 0 ? message : message.slice(0, i);
}
