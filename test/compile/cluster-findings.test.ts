import { readdirSync, readFileSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs module without type declarations
import { generateFleet } from '../../bench/generate.mjs';
import { clusterFindings, compile, fleetFindings, TARGETS } from '../../src/compile/index.js';
import { compareFindings } from '../../src/findings.js';
import { analyze, type PolicyInput } from '../../src/lint.js';
import { exampleInputs, tempDirs } from './helpers.js';

function readTree(dir: string): PolicyInput[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return readTree(path);
    return name.endsWith('.yaml') ? [{ path, text: readFileSync(path, 'utf8') }] : [];
  });
}

const FLEET_WITH_CLASH = `kind: fleet
orchestrator:
  deployments:
    main:
      raft: { nodes: ["orc:10009", "orc_10009", "orc-c"] }
`;

const tmp = tempDirs('succession-notes-');

describe('compile findings per cluster (what the worker threads compute)', () => {
  const generated = tmp();
  generateFleet(generated, 40);
  const repos: [string, PolicyInput[]][] = [
    ['the example repository', exampleInputs()],
    ['a generated fleet', readTree(generated)],
    ['raft nodes sharing a directory', [{ path: 'fleet.yaml', text: FLEET_WITH_CLASH }, ...exampleInputs().filter((i) => i.path.includes('clusters'))]],
  ];
  for (const [name, inputs] of repos) {
    it(`equal compile().findings for ${name}`, () => {
      const { repo } = analyze(inputs);
      const whole = compile(repo, TARGETS).findings.sort(compareFindings);
      expect(whole.length).toBeGreaterThan(0);
      const pieces = new Map(
        [...repo.clusters.flatMap((c) => clusterFindings(c, repo.fleet, TARGETS)), ...fleetFindings(repo.fleet, TARGETS)].map((f) => [JSON.stringify(f), f]),
      );
      expect([...pieces.values()].sort(compareFindings)).toEqual(whole);
    });
  }
});

describe('build notes from worker threads', () => {
  it('equal compile().findings when the shards compute them', async () => {
    // why: a worker thread starts from a .js file, so this runs the compiled dist/ that npm test builds first.
    const root = new URL('../../', import.meta.url);
    const parallel = (await import(pathToFileURL(`${root.pathname}dist/lint-parallel.js`).href)) as typeof import('../../src/lint-parallel.js');
    const generated = tmp();
    generateFleet(generated, 30);
    const inputs = readTree(generated);
    const result = await parallel.lintParallel(inputs, 2, { minFiles: 1, compileTargets: TARGETS });
    expect(result.extraFindings).toBeDefined();
    const fromShards = [...result.extraFindings!, ...fleetFindings(result.analysis.repo.fleet, TARGETS)].sort(compareFindings);
    const { repo } = analyze(inputs);
    expect(fromShards).toEqual(compile(repo, TARGETS).findings.sort(compareFindings));
  });
});
