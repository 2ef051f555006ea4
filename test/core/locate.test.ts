import { describe, expect, it } from 'vitest';
import { keyNode, locate, locateKey, pointerToPath, walk, type JsonPath, type Target } from '../../src/policy/locate.js';
import { parseSource } from '../../src/policy/source.js';

function file(text: string) {
  const f = parseSource('t.yaml', text);
  expect(f.syntaxErrors).toEqual([]);
  return f;
}

/** `line:column` of a path, for compact assertions. */
function at(text: string, path: JsonPath, target?: Target): string {
  const s = locate(file(text), path, target);
  return `${s.line}:${s.column}`;
}

describe('pointerToPath', () => {
  it('decodes RFC 6901 escapes per segment, ~1 before ~0', () => {
    expect(pointerToPath('')).toEqual([]);
    expect(pointerToPath('/hosts/db1:3306/dc')).toEqual(['hosts', 'db1:3306', 'dc']);
    expect(pointerToPath('/a~1b/c~0d')).toEqual(['a/b', 'c~d']);
    // "~01" is an escaped "~" followed by "1", not an escaped "/".
    expect(pointerToPath('/~01')).toEqual(['~1']);
    expect(pointerToPath('/')).toEqual(['']);
  });

  it('finds a key containing "/" and "~" through its escaped pointer', () => {
    const text = 'x:\n  "a~b/c":\n    d: 1\n';
    expect(at(text, pointerToPath('/x/a~0b~1c/d'))).toBe('3:8');
  });
});

describe('locate', () => {
  it('underlines a scalar value whole', () => {
    const s = locate(file('a:\n  b: hello\n'), ['a', 'b']);
    expect(s).toEqual({ line: 2, column: 6, endLine: 2, endColumn: 11 });
  });

  it('underlines a collection by the key that introduces it', () => {
    const s = locate(file('a:\n  b: [1, 2]\n  c:\n    d: 1\n'), ['a', 'c']);
    expect(s).toEqual({ line: 3, column: 3, endLine: 3, endColumn: 4 });
  });

  it('underlines the key of a scalar when asked to', () => {
    expect(at('hosts:\n  db1:3306: x\n', ['hosts', 'db1:3306'], 'key')).toBe('2:3');
    expect(at('hosts:\n  db1:3306: x\n', ['hosts', 'db1:3306'])).toBe('2:13');
  });

  it('indexes sequences by number or numeric string', () => {
    const text = 'l:\n  - a\n  - b\n';
    expect(at(text, ['l', 1])).toBe('3:5');
    expect(at(text, ['l', '1'])).toBe('3:5');
  });

  it('keeps numeric, boolean and hexadecimal keys as written, and finds them so', () => {
    const text = 'hosts:\n  3306: { dc: 1 }\n  10.10: { dc: 2 }\nflags:\n  true: yes\nids:\n  0x10: sixteen\n';
    const f = file(text);
    expect(Object.keys((f.data as { hosts: object }).hosts)).toEqual(['3306', '10.10']);
    expect(Object.keys((f.data as { ids: object }).ids)).toEqual(['0x10']);
    expect(at(text, ['hosts', '3306', 'dc'])).toBe('2:15');
    expect(at(text, ['hosts', '10.10', 'dc'])).toBe('3:16');
    expect(at(text, ['flags', 'true'])).toBe('5:9');
    expect(at(text, ['ids', '0x10'])).toBe('7:9');
  });

  it('follows aliases into the anchored node', () => {
    const text = 'a: &x { b: 1 }\nc: *x\nd: &s 5\ne: *s\n';
    expect(at(text, ['c', 'b'])).toBe('1:12');
    // A collection reached through an alias is still underlined by the key that names it here.
    expect(at(text, ['c'])).toBe('2:1');
    // A scalar alias resolves to the anchored value, where the value is written.
    expect(at(text, ['e'])).toBe('3:7');
  });

  it('prefers own keys over merged ones and searches `<<` sources', () => {
    const text = 'base: &b { p: 1, q: 2 }\nx: { <<: *b, p: 3 }\n';
    const f = file(text);
    expect(f.data).toEqual({ base: { p: 1, q: 2 }, x: { p: 3, q: 2 } });
    expect(at(text, ['x', 'p'])).toBe('2:17');
    expect(at(text, ['x', 'q'])).toBe('1:21');
  });

  it('gives the earlier map of a merge list precedence, like the data does', () => {
    const text = 'a: &a { k: 1 }\nb: &b { k: 2, m: 3 }\nx:\n  <<: [*a, *b]\n';
    const f = file(text);
    expect((f.data as { x: unknown }).x).toEqual({ k: 1, m: 3 });
    expect(at(text, ['x', 'k'])).toBe('1:12');
    expect(at(text, ['x', 'm'])).toBe('2:18');
  });

  it('does not treat a quoted "<<" key as a merge key', () => {
    const text = 'x:\n  "<<": { k: 1 }\n';
    expect(at(text, ['x', '<<', 'k'])).toBe('2:14');
    expect(walk(file(text).doc, ['x', 'k']).exact).toBe(false);
  });

  it('falls back to the deepest existing ancestor for a missing path', () => {
    const text = 'a:\n  b:\n    c: 1\n  l: [x]\n';
    expect(at(text, ['a', 'b', 'missing'])).toBe('2:3');
    expect(at(text, ['a', 'missing', 'deeper'])).toBe('1:1');
    expect(at(text, ['a', 'l', 5])).toBe('4:3');
    // Leading zeros are not sequence indices.
    expect(at(text, ['a', 'l', '00'])).toBe('4:3');
    expect(walk(file(text).doc, ['a', 'b', 'missing']).exact).toBe(false);
    expect(walk(file(text).doc, ['a', 'b', 'c']).exact).toBe(true);
  });

  it('places the document root at its first node, and an empty document at 1:1', () => {
    expect(at('# comment\nkind: cluster\n', [])).toBe('2:1');
    expect(locate(parseSource('t.yaml', ''), ['anything'])).toEqual({ line: 1, column: 1, endLine: 1, endColumn: 1 });
  });

  it('finds items of flow collections that span several lines', () => {
    const text = 'w: [\n  a,\n  bb,\n]\nh: {\n  x: 1,\n  y: 22 }\n';
    expect(locate(file(text), ['w', 1])).toEqual({ line: 3, column: 3, endLine: 3, endColumn: 5 });
    expect(at(text, ['h', 'y'])).toBe('7:6');
  });

  it('finds quoted keys such as bracketed IPv6 host keys', () => {
    const text = 'hosts:\n  "[::1]:3306": { dc: 5 }\n  \'[::2]:3306\': {}\n';
    expect(at(text, ['hosts', '[::1]:3306', 'dc'])).toBe('2:23');
    expect(at(text, ['hosts', '[::2]:3306'])).toBe('3:3');
  });

  it('positions a multi-line block scalar from its indicator', () => {
    const text = 'd: |\n  one\n  two\n';
    expect(locate(file(text), ['d'])).toMatchObject({ line: 1, column: 4 });
  });
});

describe('locateKey and keyNode', () => {
  it('underlines the key itself', () => {
    const text = 'hosts:\n  db1:\n    promotoin: prefer\n';
    expect(locateKey(file(text), ['hosts', 'db1'], 'promotoin')).toEqual({ line: 3, column: 5, endLine: 3, endColumn: 14 });
  });

  it('falls back to the map when the key is not its own (e.g. it came through a merge key)', () => {
    const text = 'a: &a { extra: 1 }\nb: { <<: *a }\n';
    expect(keyNode(file(text).doc, ['b'], 'extra')).toBeNull();
    expect(locateKey(file(text), ['b'], 'extra')).toMatchObject({ line: 2, column: 1 });
    expect(locateKey(file(text), ['a'], 'extra')).toMatchObject({ line: 1, column: 9 });
  });

  it('returns no key node inside a sequence', () => {
    expect(keyNode(file('l: [a]\n').doc, ['l'], '0')).toBeNull();
  });
});

describe('aliases that cannot be resolved', () => {
  const problems = (text: string) => parseSource('t.yaml', text).syntaxErrors.map((e) => `${e.line}:${e.column}-${e.endLine}:${e.endColumn} ${e.code} ${e.message}`);

  it('reports an undefined alias at its own line and column, with no data', () => {
    const f = parseSource('t.yaml', 'a: 1\nb:\n  c: *nope\n');
    expect(f.data).toBeUndefined();
    expect(problems('a: 1\nb:\n  c: *nope\n')).toEqual(['3:6-3:11 BAD_ALIAS Unresolved alias *nope: no anchor &nope is set before it']);
  });

  it('reports every undefined alias, in flow collections and as keys too', () => {
    expect(problems('a: [1, *x]\nb: { k: *y }\n? *z\n: 3\n').map((p) => p.split(' ').slice(0, 2).join(' ')).sort()).toEqual(['1:8-1:10 BAD_ALIAS', '2:9-2:11 BAD_ALIAS', '3:3-3:5 NON_STRING_KEY']);
  });

  it('reports an alias used before its anchor, but not one used after it', () => {
    expect(problems('a: *dc\nb: &dc dc1\nc: *dc\n').map((p) => p.split(' ')[0])).toEqual(['1:4-1:7']);
  });

  it('places an alias bomb at its first alias instead of 1:1', () => {
    const levels = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i <= 11; i++) levels.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    const [p] = problems(`# bomb\n${levels.join('\n')}\n`);
    expect(p).toMatch(/^3:10-3:13 BAD_ALIAS /);
  });
});
