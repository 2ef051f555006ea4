import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs module without type declarations
import { generateFleet } from '../../bench/generate.mjs';
import { compile, compileCluster, compileDeployments, TARGETS } from '../../src/compile/index.js';
import { treeFiles, writeFiles } from '../../src/compile/emit.js';
import { buildOutputs } from '../../src/compile/outputs.js';
import { TempWriter } from '../../src/compile/temp-files.js';
import { compareFindings } from '../../src/findings.js';
import { analyze, type PolicyInput } from '../../src/lint.js';
import { exampleInputs, fileTree, tempDirs } from './helpers.js';

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

describe('compile in halves: per cluster (what the worker threads compute) and per deployment', () => {
  const generated = tmp();
  generateFleet(generated, 40);
  const repos: [string, PolicyInput[]][] = [
    ['the example repository', exampleInputs()],
    ['a generated fleet', readTree(generated)],
    ['raft nodes sharing a directory', [{ path: 'fleet.yaml', text: FLEET_WITH_CLASH }, ...exampleInputs().filter((i) => i.path.includes('clusters'))]],
  ];
  for (const [name, inputs] of repos) {
    it(`equal compile() for ${name}: the same files and findings`, () => {
      const { repo } = analyze(inputs);
      const whole = compile(repo, TARGETS);
      expect(whole.findings.length).toBeGreaterThan(0);
      const halves = [...repo.clusters.map((c) => compileCluster(c, repo.fleet, TARGETS)), compileDeployments(repo, TARGETS)];
      const pieces = new Map(halves.flatMap((h) => h.findings).map((f) => [JSON.stringify(f), f]));
      expect([...pieces.values()].sort(compareFindings)).toEqual(whole.findings.sort(compareFindings));
      expect(halves.flatMap((h) => h.artifacts).sort((a, b) => (a.path < b.path ? -1 : 1))).toEqual(whole.artifacts);
    });
  }
});

describe('build outputs from worker threads', () => {
  /** lintParallel and the inputs of a generated fleet of 30 clusters. */
  const setUp = async () => {
    // why: a worker thread starts from a .js file, so this runs the compiled dist/ that npm test builds first.
    const root = new URL('../../', import.meta.url);
    const parallel = (await import(pathToFileURL(`${root.pathname}dist/lint-parallel.js`).href)) as typeof import('../../src/lint-parallel.js');
    const generated = tmp();
    generateFleet(generated, 30);
    return { parallel, inputs: readTree(generated) };
  };

  it('equal compile(): the findings, and every file compared with the output directory', async () => {
    const { parallel, inputs } = await setUp();
    const { repo } = analyze(inputs);
    const whole = compile(repo, TARGETS);
    const viaShards = async (outDir?: string, keepNotes = true) => {
      const result = await parallel.lintParallel(inputs, 2, { minFiles: 1, compile: { targets: TARGETS, ...(outDir ? { outDir } : {}), keepNotes } });
      expect(result.clusterFiles).toBeDefined();
      const built = buildOutputs(result.analysis.repo, TARGETS, outDir, { ...result.clusterFiles!, findings: result.extraFindings! });
      return { ...built, notes: result.clusterFiles!.notes };
    };

    const first = await viaShards();
    // why: the clusters' info notes in their own files are kept apart (one shard's as JSON text from its worker), counted, and read when shown.
    const notes = first.notes.read();
    expect(notes.length).toBe(first.notes.count);
    expect(notes.length).toBeGreaterThan(30);
    expect(notes.every((n) => n.severity === 'info' && n.file.includes('clusters/'))).toBe(true);
    expect([...first.findings, ...notes].sort(compareFindings)).toEqual(whole.findings.sort(compareFindings));
    // why: notes that will not be shown are only counted, to the same number.
    const counted = await viaShards(undefined, false);
    expect(counted.notes.count).toBe(first.notes.count);
    expect(() => counted.notes.read()).toThrow('counted, not kept');
    expect(counted.findings).toEqual(first.findings);
    expect(first.comparison.paths.sort()).toEqual(whole.artifacts.map((a) => a.path));
    expect(first.comparison.changed).toEqual(whole.artifacts.map((a) => ({ path: a.path, kind: 'missing', content: a.content })));

    const out = tmp();
    await writeFiles(treeFiles(out, whole.artifacts));
    expect((await viaShards(out)).comparison.changed).toEqual([]);
    const edited = whole.artifacts.find((a) => a.path.startsWith('mha/'))!;
    writeFileSync(join(out, edited.path), `${edited.content}# hand edit\n`);
    expect((await viaShards(out)).comparison.changed).toEqual([{ path: edited.path, kind: 'stale', content: edited.content }]);
  });

  it('write each changed file ahead to its temporary file when the build writes, and the renames give the whole build', async () => {
    const { parallel, inputs } = await setUp();
    const whole = compile(analyze(inputs).repo, TARGETS);
    const out = join(tmp(), 'out');
    const result = await parallel.lintParallel(inputs, 2, { minFiles: 1, compile: { targets: TARGETS, writeTo: out } });
    const here = new TempWriter(out);
    const built = buildOutputs(result.analysis.repo, TARGETS, undefined, { ...result.clusterFiles!, findings: result.extraFindings! }, here);
    expect(built.comparison.changed.filter((c) => !('temp' in c))).toEqual([]);
    expect(result.written!.temps.length + here.temps.length).toBe(whole.artifacts.length);
    expect(readdirSync(out, { recursive: true }).filter((f) => !String(f).endsWith('.tmp') && !statSync(join(out, String(f))).isDirectory())).toEqual([]);
    await writeFiles(treeFiles(out, built.comparison.changed), [...result.written!.dirs, ...here.made]);
    expect(fileTree(out)).toEqual(new Map(whole.artifacts.map((a) => [a.path, a.content])));
  });
});
