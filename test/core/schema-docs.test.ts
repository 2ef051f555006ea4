import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EDITOR_KEYWORDS } from '../../src/policy/schema.js';
// @ts-expect-error: a plain .mjs script without type declarations
import { EDITOR_KEYWORDS as GENERATOR_KEYWORDS } from '../../scripts/gen-validators.mjs';

const SCHEMAS = ['policy', 'fleet', 'topology', 'config']
  .map((name) => new URL(`../../schemas/${name}.schema.json`, import.meta.url))
  .filter((url) => existsSync(url));

type Node = Record<string, unknown>;

/** Every subschema with its JSON pointer, skipping the values of annotation keywords. */
function* subschemas(node: unknown, pointer = '#'): Generator<[string, Node]> {
  if (typeof node !== 'object' || node === null) return;
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) yield* subschemas(item, `${pointer}/${i}`);
    return;
  }
  yield [pointer, node as Node];
  for (const [key, value] of Object.entries(node)) {
    if (['examples', 'default', 'const', 'enum', 'markdownEnumDescriptions'].includes(key)) continue;
    yield* subschemas(value, `${pointer}/${key}`);
  }
}

describe.each(SCHEMAS.map((url) => [url.pathname.split('/').pop()!, url] as const))('%s', (_name, url) => {
  const schema = JSON.parse(readFileSync(url, 'utf8')) as unknown;
  const all = [...subschemas(schema)];

  it('describes every property for editors, in text and in Markdown', () => {
    const undocumented: string[] = [];
    for (const [pointer, node] of all) {
      if (typeof node.properties !== 'object' || node.properties === null) continue;
      for (const [key, property] of Object.entries(node.properties as Record<string, unknown>)) {
        // why: `false` forbids a property (dependentSchemas); there is nothing to describe.
        if (typeof property !== 'object') continue;
        const p = property as Node;
        if (typeof p.description !== 'string' || p.description === '') undocumented.push(`${pointer}/properties/${key}: description`);
        if (typeof p.markdownDescription !== 'string' || p.markdownDescription === '') undocumented.push(`${pointer}/properties/${key}: markdownDescription`);
      }
    }
    expect(undocumented).toEqual([]);
  });

  it('explains every value of every enumeration, for completion lists', () => {
    const bare = all
      .filter(([, node]) => Array.isArray(node.enum))
      .filter(([, node]) => !Array.isArray(node.markdownEnumDescriptions) || (node.markdownEnumDescriptions as unknown[]).length !== (node.enum as unknown[]).length)
      .map(([p]) => p);
    expect(bare).toEqual([]);
  });

  it('explains every pattern in words (patternErrorMessage)', () => {
    const raw = all.filter(([, node]) => typeof node.pattern === 'string' && typeof node.patternErrorMessage !== 'string').map(([p]) => p);
    expect(raw).toEqual([]);
  });
});

describe('editor keywords', () => {
  it('are the same for the generated validators and the ones compiled at run time', () => {
    expect(GENERATOR_KEYWORDS).toEqual(EDITOR_KEYWORDS);
  });
});
