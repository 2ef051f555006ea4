import { isAlias, isMap, isPair, isScalar, isSeq, type Node, type Pair, type Document } from 'yaml';
import type { Span } from '../findings.js';
import type { SourceFile } from './source.js';

/**
 * The one module that knows the YAML AST: maps a JSON path (as rules and ajv report them) to a
 * line:column span in the source.
 */

/** A path into the plain data of a document: map keys as strings, sequence indices as numbers. */
export type JsonPath = readonly (string | number)[];

/** What a path should be underlined as. */
export type Target = 'value' | 'key';

/** Decodes an RFC 6901 JSON pointer (`/a/b~1c`) into path segments. */
export function pointerToPath(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

interface Reached {
  node: Node | null;
  /** The pair whose value is `node`, when it was reached through a map. */
  pair: Pair | null;
  exact: boolean;
}

/**
 * Walks `path` through the document, following aliases and `<<` merge keys (own keys win over
 * merged ones). When a segment is missing, stops at the deepest node that exists.
 */
export function walk(doc: Document.Parsed, path: JsonPath): Reached {
  let node = deref(doc, doc.contents as Node | null);
  let pair: Pair | null = null;
  for (const segment of path) {
    const next = step(doc, node, String(segment));
    if (!next) return { node, pair, exact: false };
    pair = next.pair;
    node = deref(doc, next.node);
  }
  return { node, pair, exact: true };
}

function step(doc: Document.Parsed, node: Node | null, segment: string): { node: Node | null; pair: Pair | null } | null {
  if (isMap(node)) {
    const own = node.items.find((p) => !isMergeKey(p) && keyString(p) === segment);
    if (own) return { node: own.value as Node | null, pair: own };
    for (const p of node.items) {
      if (!isMergeKey(p)) continue;
      const sources = deref(doc, p.value as Node | null);
      const list = isSeq(sources) ? sources.items.map((n) => deref(doc, n as Node)) : [sources];
      for (const src of list) {
        const found = step(doc, src, segment);
        if (found) return found;
      }
    }
    return null;
  }
  if (isSeq(node)) {
    if (!/^(0|[1-9][0-9]*)$/.test(segment)) return null;
    const item = node.items[Number(segment)];
    return item === undefined ? null : { node: item as Node | null, pair: null };
  }
  return null;
}

function deref(doc: Document.Parsed, node: Node | null): Node | null {
  let n = node;
  for (let guard = 0; isAlias(n) && guard < 100; guard++) n = (n.resolve(doc) as Node | undefined) ?? null;
  return n;
}

function isMergeKey(p: Pair): boolean {
  const k = p.key;
  return isScalar(k) && (typeof k.value === 'symbol' || (k.value === '<<' && k.type === 'PLAIN'));
}

function keyString(p: Pair): string | undefined {
  const k = p.key;
  if (isScalar(k)) return String(k.value);
  return undefined;
}

/** Finds the key node of `key` directly inside the map at `path` (for unknown-key findings). */
export function keyNode(doc: Document.Parsed, path: JsonPath, key: string): Node | null {
  const { node } = walk(doc, path);
  if (!isMap(node)) return null;
  const p = node.items.find((it) => keyString(it) === key);
  return p && isPair(p) ? (p.key as Node) : null;
}

/**
 * The span of `path` in `file`. Scalars are underlined whole; collections by the key that
 * introduces them (underlining forty lines helps nobody). `target: 'key'` underlines the key
 * even for scalars. A missing path falls back to its deepest existing ancestor.
 */
export function locate(file: SourceFile, path: JsonPath, target: Target = 'value'): Span {
  const { node, pair } = walk(file.doc, path);
  let chosen: Node | null = node;
  if (pair && isScalar(pair.key) && (target === 'key' || !isScalar(node))) chosen = pair.key as Node;
  return spanOf(file, chosen);
}

/**
 * Spans already located in fleet files: a fleet default that every cluster inherits is the place of
 * a compile note or finding for each of them (some 30,000 times on a fleet of 10,000 clusters), and
 * an AST walk for each was a sixth of the compile's time. Not for cluster files, whose few places
 * are each located about once. A file's AST never changes once parsed.
 */
const located = new WeakMap<SourceFile, Map<string, Span>>();

/** `locate`, remembered for a fleet file. The span is shared: callers copy it, never change it. */
export function locateOnce(file: SourceFile, path: JsonPath, target: Target = 'value'): Span {
  if ((file.data as { kind?: unknown } | undefined)?.kind !== 'fleet') return locate(file, path, target);
  let spans = located.get(file);
  if (spans === undefined) located.set(file, (spans = new Map()));
  const key = `${target}${JSON.stringify(path)}`;
  let span = spans.get(key);
  if (span === undefined) spans.set(key, (span = locate(file, path, target)));
  return span;
}

/** The span of `key` inside the map at `path`, or of the map itself when the key is absent. */
export function locateKey(file: SourceFile, path: JsonPath, key: string): Span {
  const k = keyNode(file.doc, path, key);
  return k ? spanOf(file, k) : locate(file, path);
}

export function spanOf(file: SourceFile, node: Node | null): Span {
  const range = node?.range;
  if (!range) return { line: 1, column: 1, endLine: 1, endColumn: 1 };
  const a = file.lineCounter.linePos(range[0]);
  const b = file.lineCounter.linePos(Math.max(range[1], range[0]));
  return { line: a.line, column: a.col, endLine: b.line, endColumn: b.col };
}

