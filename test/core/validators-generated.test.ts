import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { generate } from '../../scripts/gen-validators.mjs';

describe('precompiled schema validators', () => {
  it('match schemas/ (run `npm run gen:validators` after changing a schema)', () => {
    const committed = readFileSync(new URL('../../src/policy/validators.generated.ts', import.meta.url), 'utf8');
    expect(committed === generate(), 'src/policy/validators.generated.ts is stale: run npm run gen:validators').toBe(true);
  });
});
