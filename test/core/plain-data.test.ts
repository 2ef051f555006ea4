import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plainData } from '../../src/policy/plain-data.js';
import { parseSource, yamlSource } from '../../src/policy/source.js';

/** What `yaml` reads, as parseSource reports it: the data, or that it finds an error. */
function yamlReading(text: string): { data: unknown } | 'error' {
  const f = yamlSource('t.yaml', text);
  return f.syntaxErrors.length > 0 ? 'error' : { data: f.data };
}

/** The promise plainData makes: where it reads data, `yaml` reads the same data and no error. */
function agrees(text: string): void {
  const plain = plainData(text);
  if (plain !== undefined) expect({ text, reading: yamlReading(text) }).toEqual({ text, reading: { data: plain.data } });
}

describe('plainData reads what yaml reads', () => {
  it('reads the usual policy, with flow and block collections, quoted and block scalars', () => {
    const text = [
      'kind: cluster',
      'name: shop # the web shop',
      "description: 'It''s the shop: orders, carts'",
      'primary: db1.example.internal:3306',
      'cmon: { clusterId: 7 }',
      'hosts:',
      '  db1.example.internal:3306: { dc: dc1, semiSyncPriority: 100 }',
      '  "db2.example.internal:3306":',
      '    dc: dc2',
      '    promotion: prefer',
      'candidates:',
      '  whitelist: [db2.example.internal:3306]',
      'hooks:',
      '  postFailover:',
      '    - /usr/local/bin/notify --to oncall',
      'notes: |',
      '  first line',
      '  second line',
      'folded: >-',
      '  one',
      '  two',
      '',
    ].join('\n');
    expect(plainData(text)).toBeDefined();
    agrees(text);
  });

  it('resolves plain scalars by the YAML 1.2 core schema, as yaml does', () => {
    const values = ['~', 'null', 'Null', 'NULL', '', 'true', 'True', 'FALSE', 'yes', 'on', '0o17', '017', '0x1F', '-0x1F', '+5', '-0', '1_000', '1e3', '-1.5E-3', '.5', '5.', '.inf', '-.Inf', '.NaN', '12345678901234567890', '1:30', '2001-12-14'];
    const text = values.map((v, i) => `k${i}: ${v}\n`).join('');
    expect(plainData(text)).toBeDefined();
    agrees(text);
    expect(plainData('a: -0\n')?.data).toEqual({ a: -0 });
  });

  it('declines what it cannot read as yaml does: keys that are not text as written, anchors, tags, escapes, tabs, a CR alone, merge keys, markers', () => {
    for (const text of ['10.10: a\n', '3306: a\n', 'true: a\n', '~: a\n', ': a\n', '.inf: a\n', '1e3: a\n', 'a: &x 1\nb: *x\n', 'a: !!str 1\n', 'a: "\\u00e9"\n', 'a:\tb\n', 'a: 1\rb: 2\r', 'a: { <<: {b: 1} }\n', '---\na: 1\n', 'a: 1\n...\n', '%YAML 1.2\n---\na: 1\n', '\uFEFFa: 1\n', '__proto__: 1\n']) {
      expect(plainData(text), JSON.stringify(text)).toBeUndefined();
    }
  });

  it('declines a key yaml refuses for its length, however it is written', () => {
    for (const text of [`'${"''".repeat(600)}': 1\n`, `a${' '.repeat(1100)}: 1\n`]) {
      expect(yamlReading(text), JSON.stringify(text)).toBe('error');
      expect(plainData(text)).toBeUndefined();
    }
    expect(plainData(`a: '${'x'.repeat(999)}'\nb: 1`)).toBeUndefined();
    expect(plainData(`a: ${'x'.repeat(990)}\nb: 1`)).toBeDefined();
  });

  it('declines what js-yaml refuses, so that yaml says what is wrong', () => {
    for (const text of ['a: 1\na: 2\n', '[a, b]: 1\n', 'a: [b, c\n', '', '# only a comment\n', 'just text\n']) {
      expect(plainData(text), JSON.stringify(text)).toBeUndefined();
    }
  });

  it('leaves the position of a finding to yaml: the AST is built only when asked for', () => {
    const f = parseSource('t.yaml', 'a:\n  b: 1\n');
    expect(f.data).toEqual({ a: { b: 1 } });
    expect(f.doc.contents?.range?.[0]).toBe(0);
    expect(f.lineCounter.linePos(5)).toEqual({ line: 2, col: 3 });
  });

  it('agrees on every YAML file of the repository: policies, examples, test fixtures, also with CRLF line ends', () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.ya?ml$/.test(e.name)) files.push(p);
      }
    };
    for (const dir of ['policies', 'test', 'docs']) walk(dir);
    expect(files.length).toBeGreaterThan(100);
    let read = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      if (plainData(text) !== undefined) read++;
      agrees(text);
      agrees(text.replace(/\r?\n/g, '\r\n'));
    }
    expect(read).toBeGreaterThan(files.length / 3);
  });
});

/*
 * Texts built from the pieces where YAML parsers most often part ways: indentation, implicit keys
 * over several lines, flow collections across lines, comments next to quotes, plain scalars with
 * `: ` and ` #`, block scalar headers, keys without values.
 */
const word = fc.constantFrom('a', 'b', 'a\u00a0', '\u00a0a', 'a\u3000b', 'db1', 'dc-1', 'x.y', 'host:3306', '10.0.0.1:3306', 'k k', 'é', 'a#b', 'a:b', '-a', '?a', '@a', '`a', '|a', '>a', "a'b", 'a"b', 'a,b', '[a]', '{a}', '1', '0x1F', '0o7', '1e3', '.5', 'true', 'null', '~', 'TRUE', 'Yes', '-0', '+1', '.nan', '- a', 'a ', ' a');
const scalar = fc.oneof(
  word,
  word.map((w) => `'${w.replace(/'/g, "''")}'`),
  word.map((w) => `"${w.replace(/"/g, '')}"`),
  fc.constantFrom("'a''b'", "'a\n  b'", '"a\n  b"', "'unterminated", '"unterminated', 'a\n  b', 'a # c', 'a #c', "'a'#c", '"a" #c', 'a: b', 'a:b', '', ' ', '#'),
);
const flow = fc.oneof(
  fc.array(scalar, { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`),
  fc.array(fc.tuple(word, scalar), { maxLength: 3 }).map((ps) => `{ ${ps.map(([k, v]) => `${k}: ${v}`).join(', ')} }`),
  fc.constantFrom('[a,\nb]', '[a,\n  b]', '{ a: 1,\n  b: 2 }', '{ a: 1,\nb: 2 }', '[a, [b, c]]', '{a: [1, 2], b: {c: d}}', '[a: b]', '{a}', '[,]', '{ a: 1, }', '[a b]', '{ "a":1 }', '[ ]', '{ }', '[ - a ]', '{ a: - b }', '[a, |\n  b]', '{ a: >\n  b }', '[a,\n# c\n  b]', '{ a: 1 } # c', '[a]b', '{a: 1}: 2'),
);
const blockHeader = fc.constantFrom('|', '|-', '|+', '>', '>-', '>+', '|2', '>1-', '|-2', '| # c', '|x');
const indent = fc.constantFrom('', ' ', '  ', '   ', '    ', '      ');
const line = fc.oneof(
  fc.tuple(indent, word, scalar).map(([i, k, v]) => `${i}${k}: ${v}`),
  fc.tuple(indent, word).map(([i, k]) => `${i}${k}:`),
  fc.tuple(indent, word, flow).map(([i, k, v]) => `${i}${k}: ${v}`),
  fc.tuple(indent, scalar).map(([i, v]) => `${i}- ${v}`),
  fc.tuple(indent, word, scalar).map(([i, k, v]) => `${i}- ${k}: ${v}`),
  fc.tuple(indent, flow).map(([i, v]) => `${i}- ${v}`),
  fc.tuple(indent, word, blockHeader).map(([i, k, h]) => `${i}${k}: ${h}`),
  fc.tuple(indent, word).map(([i, w]) => `${i}${w}`),
  fc.tuple(indent, fc.constantFrom('# comment', '#', '- ', '-', ':', '? a', ': b', 'a:  ', 'a :b', 'a : b', '- - a', '- a: 1\n  b: 2'))
    .map(([i, x]) => `${i}${x}`),
  fc.constant(''),
);
const text = fc.tuple(fc.array(line, { minLength: 1, maxLength: 10 }), fc.boolean()).map(([lines, nl]) => lines.join('\n') + (nl ? '\n' : ''));

/** Documents as a person writes them, nested, in block and flow style, with any of the scalars above. */
const key = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('a', 'b', 'db1', 'dc-1', 'x.y', 'host:3306', '10.0.0.1:3306', 'k k', 'é', 'a#b', 'a:b', "'q k'", '"d k"') }, { weight: 1, arbitrary: word });
type Tree = { leaf: string } | { block: string[] } | { seq: Tree[]; flow: boolean } | { map: [string, Tree][]; flow: boolean };
const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar.map((leaf) => ({ leaf })),
    fc.array(fc.constantFrom('one', 'two words', '  indented', '', '# not a comment', 'a: b', '- c'), { minLength: 1, maxLength: 3 }).map((block) => ({ block })),
    fc.record({ seq: fc.array(tie('tree'), { maxLength: 3 }), flow: fc.boolean() }),
    fc.record({ map: fc.uniqueArray(fc.tuple(key, tie('tree')), { maxLength: 3, selector: ([k]) => k }), flow: fc.boolean() }),
  ),
}));

function inline(t: Tree): string {
  if ('leaf' in t) return t.leaf;
  if ('block' in t) return `"${t.block.join(' ')}"`;
  if ('seq' in t) return `[${t.seq.map(inline).join(', ')}]`;
  return `{ ${t.map.map(([k, v]) => `${k}: ${inline(v)}`).join(', ')} }`;
}

/** The lines of `t` as the value after a key or `- ` at `indent` columns. */
function render(t: Tree, indent: number): string {
  const pad = ' '.repeat(indent + 2);
  if ('leaf' in t) return ` ${t.leaf}`;
  if ('block' in t) return ` |\n${t.block.map((l) => pad + l).join('\n')}`;
  if (t.flow || ('seq' in t ? t.seq.length === 0 : t.map.length === 0)) return ` ${inline(t)}`;
  if ('seq' in t) return t.seq.map((v) => `\n${pad}-${render(v, indent + 2)}`).join('');
  return t.map.map(([k, v]) => `\n${pad}${k}:${render(v, indent + 2)}`).join('');
}
const document = fc.uniqueArray(fc.tuple(key, tree), { minLength: 1, maxLength: 4, selector: ([k]) => k }).map((pairs) => pairs.map(([k, v]) => `${k}:${render(v, 0)}`).join('\n') + '\n');

describe('plainData on generated YAML', () => {
  it('never reads data that yaml reads otherwise or refuses, on nested documents', () => {
    fc.assert(fc.property(document, (t) => agrees(t)), { numRuns: Number(process.env.SUCCESSION_FUZZ_RUNS ?? 3000) });
  });

  it('never reads data that yaml reads otherwise or refuses, with CRLF line ends (a Windows checkout)', () => {
    fc.assert(fc.property(fc.oneof(document, text), (t) => agrees(t.replace(/\n/g, '\r\n'))), { numRuns: Number(process.env.SUCCESSION_FUZZ_RUNS ?? 3000) });
  });

  it('never reads data that yaml reads otherwise or refuses', () => {
    fc.assert(fc.property(text, (t) => agrees(t)), { numRuns: Number(process.env.SUCCESSION_FUZZ_RUNS ?? 3000) });
  });

  it('never reads data that yaml reads otherwise or refuses, on text of YAML punctuation', () => {
    const soup = fc.array(fc.constantFrom('a', 'b', '1', ' ', ' ', '  ', '\n', '\n', ':', ': ', '- ', '-', '#', ' #', "'", '"', '[', ']', '{', '}', ',', '?', '|', '>', '.', '0', 'e', '~', 'x: y\n', '\u00a0', '\u3000', '\u200b', 'é'), { maxLength: 40 }).map((xs) => xs.join(''));
    fc.assert(fc.property(soup, (t) => agrees(t)), { numRuns: Number(process.env.SUCCESSION_FUZZ_RUNS ?? 3000) });
  });
});
