import { describe, expect, it } from 'vitest';
import { parseSource } from '../../src/policy/source.js';

function codes(text: string): string[] {
  return parseSource('t.yaml', text).syntaxErrors.map((e) => `${e.line}:${e.column} ${e.code}`);
}

describe('parseSource duplicate keys', () => {
  it('refuses a key written twice', () => {
    expect(codes('a: 1\na: 2\n')).toEqual(['2:1 DUPLICATE_KEY']);
  });

  it('refuses keys that differ as YAML scalars but collapse into one key of the data', () => {
    expect(codes('3306: a\n"3306": b\n')).toEqual(['2:1 DUPLICATE_KEY']);
    expect(codes("true: a\n'true': b\n")).toEqual(['2:1 DUPLICATE_KEY']);
  });

  it('keeps keys that stay distinct in the data, each as written', () => {
    expect(codes('db2: a\nDB2: b\n"3307": c\n3306: d\n1.0: e\n1: f\n10.10: g\n10.1: h\n')).toEqual([]);
  });

  it('still resolves merge keys, with own keys winning', () => {
    const f = parseSource('t.yaml', 'a: &a { k: 1, m: 2 }\nb: { <<: *a, k: 3 }\n');
    expect(f.syntaxErrors).toEqual([]);
    expect(f.data).toEqual({ a: { k: 1, m: 2 }, b: { k: 3, m: 2 } });
  });
});
