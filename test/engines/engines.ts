/**
 * The real failover engines the conformance suite runs, found through the environment:
 *
 * - `SUCCESSION_ORCHESTRATOR_BINS`: `openark=/path/orchestrator,percona=/path/orchestrator`
 *   (`.ci/run` builds both from source and sets it);
 * - MHA 0.58's `masterha_check_repl` on PATH or in /usr/bin (Debian's mha4mysql-manager).
 *
 * Without them the engine tests skip loudly; with SUCCESSION_REQUIRE_ENGINES=1 (CI) a missing or
 * broken engine is a failing test with one line naming the cause.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, it } from 'vitest';
import { MARIADBD } from '../live/topology.js';
import type { OrchestratorRelease } from '../../src/policy/model.js';

export type OrchestratorFork = 'openark' | 'percona';

export interface OrchestratorBuild {
  fork: OrchestratorFork;
  binary: string;
  /** What `orchestrator --version` printed. */
  version: string;
  /** The fleet `release` this build is. */
  release: OrchestratorRelease;
}

const RELEASES: Record<OrchestratorFork, OrchestratorRelease> = { openark: 'openark-3.2.6', percona: 'percona-3.2.6-13' };

/** Why a binary cannot be used, or undefined when it runs. */
export function binaryProblem(path: string): string | undefined {
  if (!existsSync(path)) return `${path} does not exist`;
  if (!statSync(path).isFile()) return `${path} is not a file`;
  try {
    accessSync(path, constants.X_OK);
  } catch {
    return `${path} is not executable`;
  }
  return undefined;
}

interface Found<T> {
  value?: T;
  /** Why the engine is unavailable: absent (skip) or broken (always a failure). */
  missing?: string;
  broken?: string;
}

function findOrchestrators(): Found<OrchestratorBuild[]> {
  const spec = process.env.SUCCESSION_ORCHESTRATOR_BINS;
  if (!spec) return { missing: 'SUCCESSION_ORCHESTRATOR_BINS is not set (e.g. openark=/opt/orc-openark/orchestrator,percona=/opt/orc-percona/orchestrator)' };
  const builds: OrchestratorBuild[] = [];
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(openark|percona)=(.+)$/.exec(part);
    if (!m) return { broken: `SUCCESSION_ORCHESTRATOR_BINS: "${part}" is not openark=PATH or percona=PATH` };
    const fork = m[1] as OrchestratorFork;
    const binary = m[2]!;
    const problem = binaryProblem(binary);
    if (problem) return { broken: `orchestrator (${fork}): ${problem}` };
    const r = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 });
    if (r.status !== 0) return { broken: `orchestrator (${fork}): ${binary} --version exited with ${r.status ?? r.signal}: ${(r.stderr || r.stdout).trim().split('\n')[0] ?? ''}` };
    builds.push({ fork, binary, version: r.stdout.trim().split('\n')[0] ?? '', release: RELEASES[fork] });
  }
  if (builds.length === 0) return { broken: 'SUCCESSION_ORCHESTRATOR_BINS names no binary' };
  return { value: builds };
}

function findOnPath(name: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/local/bin']) {
    if (dir !== '' && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

const orchestrators = findOrchestrators();
/** The orchestrator builds to run, openark first. */
export const ORCHESTRATOR_BUILDS: OrchestratorBuild[] = (orchestrators.value ?? []).sort((a, b) => (a.fork < b.fork ? -1 : 1));
/** MHA 0.58's replication checker, when installed. */
export const MASTERHA_CHECK_REPL: string | undefined = findOnPath('masterha_check_repl');

/**
 * `describe` for tests that need MariaDB and a real engine: runs them when everything is there;
 * otherwise warns and skips, unless SUCCESSION_REQUIRE_ENGINES=1 (or the engine is configured
 * but broken), where the cause is a failing test.
 */
export function engineDescribe(name: string, engine: 'orchestrator' | 'mha', body: () => void, needs: { mariadb: boolean } = { mariadb: true }): void {
  const found: Found<unknown> = engine === 'orchestrator' ? orchestrators : MASTERHA_CHECK_REPL ? { value: MASTERHA_CHECK_REPL } : { missing: 'masterha_check_repl not found (apt-get install mha4mysql-manager mha4mysql-node)' };
  const cause = found.broken ?? found.missing ?? (MARIADBD || !needs.mariadb ? undefined : 'mariadbd not found (apt-get install mariadb-server)');
  if (cause === undefined) {
    describe(name, body);
    return;
  }
  if (found.broken !== undefined || process.env.SUCCESSION_REQUIRE_ENGINES === '1') {
    describe(name, () => {
      it(`needs ${engine}${needs.mariadb ? ' and MariaDB' : ''}`, () => {
        throw new Error(cause);
      });
    });
    return;
  }
  console.warn(`SKIPPED engine tests "${name}": ${cause} (set SUCCESSION_REQUIRE_ENGINES=1 to make this fail)`);
  // why: a skipped describe still runs its body to collect the tests, and a body may read the engine it lacks.
  describe.skip(name, () => {
    it(`needs ${engine}${needs.mariadb ? ' and MariaDB' : ''}: ${cause}`, () => undefined);
  });
}
