import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cyclesOf } from '../../src/util/cycles.js';

const graph = (edges: Record<string, string | undefined>) => (k: string) => edges[k];

describe('cyclesOf', () => {
  it('finds nothing in a tree or a chain', () => {
    expect(cyclesOf([], graph({}))).toEqual([]);
    expect(cyclesOf(['a', 'b', 'c', 'd'], graph({ b: 'a', c: 'b', d: 'a' }))).toEqual([]);
  });

  it('finds co-primaries, a self-loop and a longer ring, each once, from its smallest key', () => {
    const next = graph({ a: 'b', b: 'a', c: 'a', s: 's', x: 'z', z: 'y', y: 'x', t: 'y' });
    expect(cyclesOf(['t', 'c', 'z', 's', 'y', 'b', 'x', 'a'], next)).toEqual([['a', 'b'], ['s'], ['x', 'z', 'y']]);
  });

  it('walks into keys that are not listed, and stops at keys with no successor', () => {
    expect(cyclesOf(['a'], graph({ a: 'outside', outside: 'a' }))).toEqual([['a', 'outside']]);
    expect(cyclesOf(['a'], graph({ a: 'gone' }))).toEqual([]);
  });

  it('on any graph of single successors: each node in at most one ring, every ring closes, and every node on a ring is found', () => {
    const arb = fc.integer({ min: 1, max: 40 }).chain((n) =>
      fc.array(fc.option(fc.integer({ min: 0, max: n - 1 }), { nil: undefined }), { minLength: n, maxLength: n }),
    );
    fc.assert(
      fc.property(arb, (succ) => {
        const keys = succ.map((_, i) => `k${String(i).padStart(2, '0')}`);
        const next = (k: string) => {
          const s = succ[Number(k.slice(1))];
          return s === undefined ? undefined : keys[s];
        };
        const rings = cyclesOf(keys, next);
        const seen = new Set<string>();
        for (const ring of rings) {
          ring.forEach((k, i) => {
            expect(seen.has(k)).toBe(false);
            seen.add(k);
            expect(next(k)).toBe(ring[(i + 1) % ring.length]);
          });
          expect(ring[0]).toBe([...ring].sort()[0]);
        }
        // A node is on a ring exactly when following successors from it comes back to it.
        for (const k of keys) {
          let cur = next(k);
          let back = false;
          for (let i = 0; i < keys.length && cur !== undefined; i++, cur = next(cur)) if (cur === k) back = true;
          expect(seen.has(k)).toBe(back);
        }
      }),
    );
  });
});
