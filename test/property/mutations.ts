/**
 * Mutations that turn a valid policy text into damaged input: deleted lines and character
 * ranges, scalars of another type, injected YAML indicators, control characters, very long
 * strings and deep nesting.
 */
import fc from 'fast-check';
import YAML from 'yaml';

export type Mutation =
  | { kind: 'delete-lines'; at: number; count: number }
  | { kind: 'delete-chars'; at: number; count: number }
  | { kind: 'inject'; at: number; text: string }
  | { kind: 'duplicate-line'; at: number }
  | { kind: 'swap-type'; at: number; value: unknown }
  | { kind: 'rename-key'; at: number; key: string };

/** Text that means something to a YAML parser, or that no policy value may hold. */
const INJECTED = [':', ': ', '{', '}', '[', ']', ',', '&a ', '*a', '*', '&', '!', '!!binary ', '!!map ', '|', '>', '\t', '\u0000', '#', '"', "'",
  '%YAML 1.1\n', '@', '`', '- ', '? ', '\n', '\r', '\r\n', '\uFEFF', '\u2028', '\ud800', '<<: *a\n', '? [a, b]\n: 1\n', '? {a: 1}\n', '---\n', '...\n', '\\', '~', '0x', '.inf', '1e999', '-0'];

const injected: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...INJECTED) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.integer({ min: 10_000, max: 200_000 }).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 5_000 }).map((n) => '['.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 2_000 }).map((n) => `${'{a: '.repeat(n)}1${'}'.repeat(n)}`) },
  { weight: 1, arbitrary: fc.integer({ min: 50, max: 1_500 }).map((n) => `\n${Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k:`).join('\n')} 1\n`) },
  { weight: 1, arbitrary: fc.constant('\na: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n') },
);

/** A value of any JSON type, including ones no policy key accepts. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 10 }),
  fc.constantFrom('', '0', 'true', 'null', '3306', '::', '[x]', -1, 0, 4294967296, 1e21),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxKeys: 2 }),
);

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete-lines' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 5 }) }),
  fc.record({ kind: fc.constant('delete-chars' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('inject' as const), at: fc.nat(), text: injected }),
  fc.record({ kind: fc.constant('duplicate-line' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap-type' as const), at: fc.nat(), value: anyValue }),
  fc.record({ kind: fc.constant('rename-key' as const), at: fc.nat(), key: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'kind', 'hosts', '<<', '')) }),
);

type Container = Record<string, unknown> | unknown[];

/** Every (container, key) pair of a plain YAML value, depth first. */
function slots(value: unknown, out: [Container, string | number][] = []): [Container, string | number][] {
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      out.push([value, i]);
      slots(v, out);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push([value as Record<string, unknown>, k]);
      slots(v, out);
    }
  }
  return out;
}

/**
 * Re-serialises the document with one value or key changed. A text yaml cannot read, or whose
 * data it cannot write back (nesting deeper than its stack), is left as it is.
 */
function editData(text: string, edit: (slots: [Container, string | number][]) => void): string {
  try {
    const data: unknown = YAML.parse(text);
    const all = slots(data);
    if (all.length === 0) return text;
    edit(all);
    return YAML.stringify(data, { lineWidth: 0 });
  } catch {
    return text;
  }
}

export function applyMutation(text: string, m: Mutation): string {
  switch (m.kind) {
    case 'delete-lines': {
      const lines = text.split('\n');
      const at = m.at % lines.length;
      lines.splice(at, m.count);
      return lines.join('\n');
    }
    case 'delete-chars': {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + text.slice(at + m.count);
    }
    case 'inject': {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + m.text + text.slice(at);
    }
    case 'duplicate-line': {
      const lines = text.split('\n');
      const at = m.at % lines.length;
      lines.splice(at, 0, lines[at]!);
      return lines.join('\n');
    }
    case 'swap-type':
      return editData(text, (all) => {
        const [container, key] = all[m.at % all.length]!;
        (container as Record<string | number, unknown>)[key] = m.value;
      });
    case 'rename-key':
      return editData(text, (all) => {
        const objectSlots = all.filter(([c]) => !Array.isArray(c));
        if (objectSlots.length === 0) return;
        const [container, key] = objectSlots[m.at % objectSlots.length]! as [Record<string, unknown>, string];
        const value = container[key];
        delete container[key];
        Object.defineProperty(container, m.key, { value, enumerable: true, configurable: true, writable: true });
      });
  }
}

export function mutate(text: string, mutations: readonly Mutation[]): string {
  return mutations.reduce(applyMutation, text);
}
