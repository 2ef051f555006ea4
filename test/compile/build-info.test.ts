import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDirs } from './helpers.js';
import { generateFleet } from '../failure/helpers.js';
import { PARALLEL_THRESHOLD } from '../../src/lint-parallel.js';

// `build` on a clean repository: the info findings (what an engine cannot express) are one count on
// standard error unless --verbose; warnings and errors are always shown; machine formats carry all.

const BIN = join(ROOT, 'dist/bin/cli/main.js');

function run(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tmp = tempDirs('succession-build-info-');

function exampleCopy(): string {
  const d = tmp();
  cpSync(join(ROOT, 'policies'), join(d, 'policies'), { recursive: true });
  return d;
}

/** The findings the build reports, from its JSON report. */
function jsonFindings(d: string, extra: string[] = []): { ruleId: string; severity: string }[] {
  const r = run(['build', '--out', 'json-out', '-f', 'json', ...extra], d);
  return (JSON.parse(r.stdout) as { findings: { ruleId: string; severity: string }[] }).findings;
}

describe('build and its info findings', () => {
  it('counts the info findings of a clean build in one line on standard error, and --verbose shows them', () => {
    const d = exampleCopy();
    const infos = jsonFindings(d).filter((f) => f.severity === 'info').length;
    expect(infos).toBeGreaterThan(1);

    const quiet = run(['build', '--out', 'out'], d);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toBe('');
    expect(quiet.stderr).toBe(`succession: wrote 10 file(s), 0 unchanged (output directory out).\nsuccession: ${infos} info notes; --verbose shows them\n`);

    const verbose = run(['build', '--out', 'out', '--verbose'], d);
    expect(verbose.code).toBe(0);
    expect(verbose.stdout.split('\n').filter((l) => / info {5}.*target-cannot-express$/.test(l))).toHaveLength(infos);
    expect(verbose.stdout).toContain(`✖ ${infos} problems (0 errors, 0 warnings, ${infos} info)`);
    expect(verbose.stderr).not.toContain('info notes');

    const check = run(['build', '--out', 'out', '--check'], d);
    expect(check.code).toBe(0);
    expect(check.stdout).toBe('');
    expect(check.stderr).toBe(`succession: ${infos} info notes; --verbose shows them\nsuccession: generated files are up to date.\n`);
  });

  it('always shows warnings, and shows the info findings when --fail-on info stops the build on them', () => {
    const d = exampleCopy();
    const shop = join(d, 'policies/clusters/shop.yaml');
    writeFileSync(shop, readFileSync(shop, 'utf8').replace('whitelist: [rha-db-02:3306, rha-db-03:3306]', 'whitelist: [rha-db-02:3306]'));
    const infos = jsonFindings(d).filter((f) => f.severity === 'info').length;

    const r = run(['build', '--out', 'out'], d);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ warning .*single-promotable-candidate$/m);
    expect(r.stdout).not.toContain(' info ');
    expect(r.stdout).toContain('✖ 1 problem (0 errors, 1 warning, 0 info)');
    expect(r.stderr).toContain(`succession: ${infos} info notes; --verbose shows them\n`);

    // The clean example: the info findings are all that --fail-on info stops the build on.
    const clean = exampleCopy();
    const cleanInfos = jsonFindings(clean).filter((f) => f.severity === 'info').length;
    const failOnInfo = run(['build', '--out', 'out', '--fail-on', 'info'], clean);
    expect(failOnInfo.code).toBe(1);
    expect(failOnInfo.stdout.split('\n').filter((l) => / info {5}/.test(l))).toHaveLength(cleanInfos);
    expect(failOnInfo.stderr).not.toContain('info notes');
  });

  it('keeps every finding in the machine formats', () => {
    const d = exampleCopy();
    const infos = jsonFindings(d).filter((f) => f.severity === 'info').length;
    const sarif = run(['build', '--out', 'out', '-f', 'sarif'], d);
    const results = (JSON.parse(sarif.stdout) as { runs: { results: { level: string }[] }[] }).runs[0]!.results;
    expect(results.filter((x) => x.level === 'note')).toHaveLength(infos);
    expect(sarif.stderr).not.toContain('info notes');
    const junit = run(['build', '--out', 'out', '-f', 'junit'], d);
    expect(junit.stdout.match(/target-cannot-express/g)?.length ?? 0).toBeGreaterThanOrEqual(infos);
    expect(junit.stderr).not.toContain('info notes');
  });

  it('reports the same notes when worker threads compile the clusters: counted, shown, and configured', { timeout: 120_000 }, async () => {
    // why: from PARALLEL_THRESHOLD files on, worker threads keep each cluster's notes in its own file
    // apart and send them as text; a first build with the cache keeps every note with its cluster
    // instead, and is the reference here.
    const d = tmp();
    await generateFleet(join(d, 'fleet'), PARALLEL_THRESHOLD + 100);
    const reference = run(['build', 'fleet', '--out', 'reference', '--cache-location', 'cache', '-f', 'json', '--verbose'], d);
    expect(reference.code).toBe(0);
    const findings = (JSON.parse(reference.stdout) as { findings: { ruleId: string; severity: string }[] }).findings;
    const infos = findings.filter((f) => f.severity === 'info').length;
    expect(infos).toBeGreaterThan(PARALLEL_THRESHOLD);

    const viaWorkers = run(['build', 'fleet', '--out', 'out', '-f', 'json', '--verbose'], d);
    expect(viaWorkers.code).toBe(0);
    expect((JSON.parse(viaWorkers.stdout) as { findings: unknown[] }).findings).toEqual(findings);

    const counted = run(['build', 'fleet', '--out', 'out', '--check'], d);
    expect(counted.code).toBe(0);
    expect(counted.stderr).toBe(`succession: ${infos} info notes; --verbose shows them\nsuccession: generated files are up to date.\n`);

    writeFileSync(join(d, 'succession.config.yaml'), 'kind: config\nrules: { target-cannot-express: warning }\n');
    const configured = run(['build', 'fleet', '--out', 'out', '--check', '-f', 'json'], d);
    expect(configured.code).toBe(0);
    const shown = (JSON.parse(configured.stdout) as { findings: { ruleId: string; severity: string }[] }).findings;
    expect(shown.filter((f) => f.ruleId === 'target-cannot-express' && f.severity === 'warning')).toHaveLength(findings.filter((f) => f.ruleId === 'target-cannot-express').length);
    expect(shown.filter((f) => f.severity === 'info')).toHaveLength(0);
    // why: in the stylish format the notes are kept for reading only because the configuration raises them.
    const stylish = run(['build', 'fleet', '--out', 'out', '--check'], d);
    expect(stylish.code).toBe(0);
    expect(stylish.stdout.split('\n').filter((l) => / warning .*target-cannot-express$/.test(l))).toHaveLength(findings.filter((f) => f.ruleId === 'target-cannot-express').length);
  });
});
