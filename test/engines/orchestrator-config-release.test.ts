/**
 * `lint --orchestrator-config --release` assumes which keys each orchestrator build reads; here
 * each build says so itself: `orchestrator -c dump-config` prints the configuration as it read it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lintOrchestratorConfig } from '../../src/compile/orchestrator-config-lint.js';
import { orchestratorKeys, releaseReads } from '../../src/compile/orchestrator-schema.js';
import { engineDescribe, ORCHESTRATOR_BUILDS, type OrchestratorBuild, type OrchestratorFork } from './engines.js';

/** What the build printed for this configuration, or how it failed. */
function dumpConfig(dir: string, build: OrchestratorBuild, config: Record<string, unknown>): { config?: Record<string, unknown>; failure?: string } {
  const file = join(dir, `${build.fork}.conf.json`);
  writeFileSync(file, JSON.stringify(config));
  const r = spawnSync(build.binary, ['-config', file, '-c', 'dump-config'], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0) return { failure: `${r.stdout}${r.stderr}` };
  return { config: JSON.parse(r.stdout) as Record<string, unknown> };
}

// why: the keys only percona builds have are where the releases differ (go/config/config.go of the
// two builds differs in nothing else).
const PERCONA_KEYS = Object.keys(orchestratorKeys()).filter((k) => orchestratorKeys()[k]!['x-percona-only']);

/**
 * A value of the key's type other than its default. The two dead-instance settings get values that
 * later percona releases refuse at start-up: a build that does not read them must start anyway.
 */
function probe(key: string): unknown {
  if (key === 'DeadInstancePollSecondsMultiplyFactor') return 0.5;
  if (key === 'DeadInstancePollSecondsMax') return 1;
  const s = orchestratorKeys()[key]!;
  switch (s.type[0]) {
    case 'boolean':
      return s.default !== true;
    case 'integer':
      return (s.default as number) + 7;
    case 'number':
      return 2.5;
    case 'array':
      return ['succession-probe'];
    default:
      return 'succession-probe';
  }
}

/** A value of another JSON type, which the Go decoder rejects for this key. */
function wrongType(key: string): unknown {
  return ['string', 'array'].includes(orchestratorKeys()[key]!.type[0]!) ? 5 : 'succession-probe';
}

const rulesOf = (key: string, value: unknown, build: OrchestratorBuild) =>
  lintOrchestratorConfig('o.json', JSON.stringify({ [key]: value, RecoverMasterClusterFilters: ['*'] }), build.release).map((f) => f.ruleId);

engineDescribe('orchestrator reads the keys lint --orchestrator-config --release says it reads', 'orchestrator', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'succession-orchestrator-keys-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const fork of ['openark', 'percona'] as OrchestratorFork[]) {
    describe(fork, () => {
      const build = ORCHESTRATOR_BUILDS.find((b) => b.fork === fork);
      if (!build) {
        it(`needs the ${fork} build in SUCCESSION_ORCHESTRATOR_BINS`, () => {
          throw new Error(`SUCCESSION_ORCHESTRATOR_BINS has no ${fork}= entry`);
        });
        return;
      }

      it(`dump-config prints exactly the keys ${build.release} reads`, () => {
        const dumped = dumpConfig(dir, build, {});
        expect(dumped.failure).toBeUndefined();
        const read = Object.keys(orchestratorKeys()).filter((k) => releaseReads(build.release, k));
        expect(Object.keys(dumped.config!).sort()).toEqual(read.sort());
      });

      for (const key of PERCONA_KEYS) {
        const reads = releaseReads(build.release, key);
        it(`${reads ? 'reads' : 'ignores'} ${key}${reads ? ', and exits on a value of the wrong type' : ', whatever its value'}`, () => {
          const value = probe(key);
          const taken = dumpConfig(dir, build, { [key]: value });
          expect(taken.failure).toBeUndefined();
          expect(taken.config![key]).toEqual(reads ? value : undefined);
          expect(rulesOf(key, value, build)).toEqual(reads ? [] : ['orchestrator-key-not-in-release']);

          const wrong = dumpConfig(dir, build, { [key]: wrongType(key) });
          if (reads) expect(wrong.failure).toContain('Cannot read config file');
          else expect(wrong.failure).toBeUndefined();
          expect(rulesOf(key, wrongType(key), build)).toEqual([reads ? 'orchestrator-type-mismatch' : 'orchestrator-key-not-in-release']);
        });
      }
    });
  }
});
