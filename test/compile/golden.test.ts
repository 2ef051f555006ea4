import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, TARGETS } from '../../src/compile/index.js';
import { analyze } from '../../src/lint.js';
import { ROOT, exampleInputs } from './helpers.js';

// Golden files: the example repository compiled for every target. `UPDATE_GOLDEN=1 npx vitest
// run test/compile/golden.test.ts` rewrites them; review the diff before committing.
const GOLDEN = join(ROOT, 'test/golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const { repo } = analyze(exampleInputs());
const compiled = compile(repo, TARGETS);
const findingsText = compiled.findings
  .map((f) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.ruleId} ${f.message}`)
  .sort()
  .join('\n')
  .concat('\n');
const expected = new Map([...compiled.artifacts.map((a) => [`tree/${a.path}`, a.content] as const), ['findings.txt', findingsText]]);

function listGolden(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(GOLDEN.length + 1))
    .sort();
}

if (UPDATE) {
  rmSync(GOLDEN, { recursive: true, force: true });
  for (const [path, content] of expected) {
    mkdirSync(dirname(join(GOLDEN, path)), { recursive: true });
    writeFileSync(join(GOLDEN, path), content);
  }
}

describe('golden files of the example repository', () => {
  it('has exactly one golden file per generated file', () => {
    expect(listGolden(GOLDEN)).toEqual([...expected.keys()].sort());
  });

  for (const [path, content] of expected) {
    it(path, () => {
      expect(content).toBe(readFileSync(join(GOLDEN, path), 'utf8'));
    });
  }

  it('compiles to the same bytes every time', () => {
    const again = compile(analyze(exampleInputs()).repo, TARGETS);
    expect(again.artifacts).toEqual(compiled.artifacts);
  });
});
