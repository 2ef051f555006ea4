import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings.js';
import { lint, type PolicyInput } from '../../src/lint.js';
import { repoArb, type GeneratedRepo } from './arbitraries.js';
import { mutate, mutationArb, type Mutation } from './mutations.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = fileURLToPath(new URL('../../dist/bin/cli/main.js', import.meta.url));
const TIMEOUT = 90_000;

/** Findings that point into the files linted, at a real position, with something to say. */
function expectWellFormed(findings: readonly Finding[], inputs: readonly PolicyInput[]): void {
  const paths = new Set(inputs.map((i) => i.path));
  for (const f of findings) {
    expect(paths.has(f.file), `${f.ruleId} names ${f.file}`).toBe(true);
    expect(f.line).toBeGreaterThanOrEqual(1);
    expect(f.column).toBeGreaterThanOrEqual(1);
    expect(f.message.trim()).not.toBe('');
  }
}

/** A repository with one of its files damaged by a few mutations. */
const damagedRepo: fc.Arbitrary<{ repo: GeneratedRepo; inputs: PolicyInput[]; mutations: Mutation[] }> = fc
  .tuple(repoArb({ maxClusters: 3 }), fc.nat(), fc.array(mutationArb, { minLength: 1, maxLength: 4 }))
  .map(([repo, which, mutations]) => {
    const index = which % repo.inputs.length;
    const inputs = repo.inputs.map((input, i) => (i === index ? { path: input.path, text: mutate(input.text, mutations) } : input));
    return { repo, inputs, mutations };
  });

describe('lint on generated valid repositories', () => {
  it('never throws and reports no syntax or schema finding', { timeout: TIMEOUT }, () => {
    fc.assert(
      fc.property(repoArb(), (repo) => {
        const { findings } = lint(repo.inputs);
        expect(findings.filter((f) => f.ruleId === 'syntax' || f.ruleId === 'schema')).toEqual([]);
        expectWellFormed(findings, repo.inputs);
      }),
      { numRuns: 120 },
    );
  });

  it('gives the same findings on a second run and for the files in another order', { timeout: TIMEOUT }, () => {
    const withOrder = repoArb().chain((repo) =>
      fc.tuple(fc.constant(repo), fc.shuffledSubarray(repo.inputs, { minLength: repo.inputs.length, maxLength: repo.inputs.length })),
    );
    fc.assert(
      fc.property(withOrder, ([repo, shuffled]) => {
        const first = lint(repo.inputs).findings;
        expect(lint(repo.inputs).findings).toEqual(first);
        expect(lint(shuffled).findings).toEqual(first);
      }),
      { numRuns: 60 },
    );
  });
});

describe('lint on damaged input', () => {
  it('reports a collection used as a key at its place, with no Node warning on stderr', () => {
    const r = spawnSync(process.execPath, [BIN, 'lint', '-'], { cwd: ROOT, input: '? [a, b]\n: 1\nkind: cluster\n', encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('1:3     error    A key must be plain text, not a list, a map or an alias (NON_STRING_KEY)  syntax');
    expect(r.stderr).toBe('');
  });

  it('never throws, and every finding points into a linted file', { timeout: TIMEOUT }, () => {
    fc.assert(
      fc.property(damagedRepo, ({ inputs }) => {
        const { findings } = lint(inputs);
        expectWellFormed(findings, inputs);
      }),
      { numRuns: 200 },
    );
  });

  it('makes the CLI exit 0, 1 or 2 with no stack trace (text on standard input)', { timeout: TIMEOUT }, () => {
    const damagedFile = fc
      .tuple(repoArb({ maxClusters: 1 }), fc.array(mutationArb, { minLength: 1, maxLength: 3 }))
      .map(([repo, mutations]) => mutate(repo.inputs[1]!.text, mutations));
    fc.assert(
      fc.property(damagedFile, (text) => {
        // why: each run is a process start (~0.1-0.3 s); thirty keep the file short.
        const r = spawnSync(process.execPath, [BIN, 'lint', '-', '-f', 'json'], { cwd: ROOT, input: text, encoding: 'utf8', timeout: 60_000 });
        expect(r.signal).toBeNull();
        expect([0, 1, 2]).toContain(r.status);
        expect(r.stderr).not.toMatch(/^\s+at .+(:[0-9]+:[0-9]+\)?|\(native\))$/m);
        expect(r.stderr).not.toContain('internal error');
        // Findings go to stdout; stderr holds one plain message for exit 2 and nothing else (no Node warnings).
        if (r.status === 2) expect(r.stderr).toMatch(/^succession: [^\n]*\n$/);
        else expect(r.stderr).toBe('');
        if (r.status !== 2) {
          const report = JSON.parse(r.stdout) as { findings: Finding[] };
          expect(r.status).toBe(report.findings.some((f) => f.severity === 'error') ? 1 : 0);
        }
      }),
      { numRuns: 30 },
    );
  });
});

/** lint and lintParallel from dist/: a worker thread is started from a .js file, which npm test builds first. */
async function built() {
  const parallel = (await import(pathToFileURL(`${ROOT}dist/lint-parallel.js`).href)) as typeof import('../../src/lint-parallel.js');
  const serial = (await import(pathToFileURL(`${ROOT}dist/lint.js`).href)) as typeof import('../../src/lint.js');
  return { parallel, serial };
}

/** Repositories this large go to worker threads in these tests (the default threshold is higher). */
const SHARDED = 400;

describe('lintParallel', () => {
  it('reports the same finding for deeply nested YAML on the main thread and on worker threads', { timeout: TIMEOUT }, async () => {
    // why: yaml composes recursively; before a fixed nesting limit, where it ran out of stack (and so
    // the finding's column, or whether there was one) depended on the thread's stack size.
    const { parallel, serial } = await built();
    const deep = (n: number) => `kind: cluster\nname: deep\nprimary: a\nhosts: {a: {}}\ndescription: ${'['.repeat(n)}${']'.repeat(n)}\n`;
    const inputs: PolicyInput[] = Array.from({ length: SHARDED }, (_, i) => ({
      path: `c${String(i).padStart(4, '0')}.yaml`,
      text: i % 100 === 5 ? deep(600 + i) : `kind: cluster\nname: c${i}\nprimary: a\nhosts: {a: {}, b: {}}\n`,
    }));
    const expected = serial.lint(inputs).findings.filter((f) => f.ruleId === 'syntax');
    expect(expected.map((f) => `${f.file}:${f.line}:${f.column} ${f.message}`)).toEqual(
      // The top-level map is the first level, so the 128th `[` (column 14 + 127) is the 129th.
      [5, 105, 205, 305].map((i) => `c${String(i).padStart(4, '0')}.yaml:5:${14 + 127} Collections are nested more than 128 levels deep (TOO_DEEP)`),
    );
    expect((await parallel.lintParallel(inputs, 2, { minFiles: SHARDED })).findings).toEqual(serial.lint(inputs).findings);
  });

  it('gives exactly the findings of lint on a repository large enough for worker threads', { timeout: TIMEOUT }, async () => {
    const { parallel, serial } = await built();
    const size = SHARDED + 10;
    const big = fc
      .tuple(
        repoArb({ minClusters: size, maxClusters: size }),
        fc.array(fc.tuple(fc.nat(), fc.array(mutationArb, { minLength: 1, maxLength: 2 })), { maxLength: 20 }),
        // why: a second copy of some clusters under another directory, for the repository-wide rules (duplicate names and ids).
        fc.array(fc.nat(), { maxLength: 5 }),
      )
      .map(([repo, damage, copies]) => {
        const inputs = [...repo.inputs, ...copies.map((at) => ({ path: `copy/${at}.yaml`, text: repo.inputs[1 + (at % size)]!.text }))];
        for (const [at, mutations] of damage) {
          const i = at % inputs.length;
          inputs[i] = { path: inputs[i]!.path, text: mutate(inputs[i]!.text, mutations) };
        }
        return inputs;
      });
    // why: each run lints some 400 files twice and starts two worker threads (about 5 s on 2 cores);
    // shrinking 400 files would outlast the timeout, so a failure reports the seed and the unshrunk case.
    await fc.assert(
      fc.asyncProperty(big, async (inputs) => {
        const expected = serial.lint(inputs).findings;
        const actual = (await parallel.lintParallel(inputs, 2, { minFiles: SHARDED })).findings;
        expect(actual).toEqual(expected);
      }),
      { numRuns: 2, endOnFailure: true },
    );
  });

  it('gives the same findings with a worker started ahead of the reading (warmWorkers)', { timeout: TIMEOUT }, async () => {
    const { parallel, serial } = await built();
    const inputs: PolicyInput[] = Array.from({ length: SHARDED }, (_, i) => ({ path: `c${i}.yaml`, text: `kind: cluster\nname: c${i % 390}\nprimary: a\nhosts: {a: {}, b: {promotion: must_not}}\n` }));
    parallel.warmWorkers(parallel.PARALLEL_THRESHOLD, 2);
    const expected = serial.lint(inputs).findings;
    expect(expected.some((f) => f.ruleId === 'duplicate-cluster-name')).toBe(true);
    expect((await parallel.lintParallel(inputs, 2, { minFiles: SHARDED })).findings).toEqual(expected);
  });

  it('ends a process whose warm workers no shard took', { timeout: TIMEOUT }, () => {
    // why: a warm worker left running would keep the process alive: each script must end on its own.
    const scripts = {
      'never asked for': `m.warmWorkers(m.PARALLEL_THRESHOLD, 2);`,
      'a repository below the threshold': `m.warmWorkers(m.PARALLEL_THRESHOLD, 2); const r = await m.lintParallel([{ path: 'a.yaml', text: 'kind: cluster\\nname: a\\nprimary: a\\nhosts: {a: {}}\\n' }], 2); console.log(r.findings.length);`,
    };
    const dir = mkdtempSync(join(tmpdir(), 'succession-warm-'));
    for (const [name, body] of Object.entries(scripts)) {
      // why: a script file, not `node -e`, which exits at its end whatever threads still run.
      const file = join(dir, 'warm.mjs');
      writeFileSync(file, `const m = await import(${JSON.stringify(pathToFileURL(`${ROOT}dist/lint-parallel.js`).href)}); ${body}`);
      const r = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 30_000 });
      expect(r.error, name).toBeUndefined();
      expect(r.stderr, name).toBe('');
      expect(r.status, name).toBe(0);
    }
    rmSync(dir, { recursive: true });
  });
});
