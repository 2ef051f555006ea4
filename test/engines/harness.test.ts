/**
 * The engine harness when something is wrong with the engine or the topology: one clear line
 * naming the cause, and no mariadbd or orchestrator process left behind.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN } from '../cli/helpers.js';
import { freePort, startTopology } from '../live/topology.js';
import { binaryProblem, engineDescribe, ORCHESTRATOR_BUILDS, type OrchestratorBuild } from './engines.js';
import { startDeployment, startedPids } from './orchestrator.js';
import { discoverAll } from './scenario.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'succession-harness-'));
  dirs.push(d);
  return d;
}

/** Whether a process with this PID still exists. */
function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A policy repository with one orchestrator node, built into `dir/generated`. */
function generated(dir: string, raftPort: number): string {
  mkdirSync(join(dir, 'repo', 'clusters'), { recursive: true });
  writeFileSync(
    join(dir, 'repo', 'fleet.yaml'),
    `kind: fleet\norchestrator:\n  deployments:\n    main:\n      # succession-disable-next-line raft-node-count -- one node for a harness test\n      raft: { nodes: ["127.0.0.1:${raftPort}"], dataDir: ${dir}/raft }\n      backend: { type: sqlite, sqliteFile: ${dir}/orc.sqlite3 }\n`,
  );
  writeFileSync(
    join(dir, 'repo', 'clusters', 'c1.yaml'),
    'kind: cluster\nname: c1\nprimary: "127.0.0.1:3306"\norchestrator: { deployment: main }\nhosts:\n  "127.0.0.1:3306": {}\n  "127.0.0.1:3307": {}\n  "127.0.0.1:3308": {}\n',
  );
  const r = spawnSync(process.execPath, [BIN, 'build', join(dir, 'repo'), '--out', join(dir, 'generated')], { encoding: 'utf8' });
  expect(r.status, r.stdout + r.stderr).toBe(0);
  return join(dir, 'generated');
}

describe('engine binaries', () => {
  it('names a missing, a non-executable and a non-file binary', () => {
    const dir = tempDir();
    expect(binaryProblem(join(dir, 'nope'))).toBe(`${join(dir, 'nope')} does not exist`);
    writeFileSync(join(dir, 'plain'), '#!/bin/sh\n');
    chmodSync(join(dir, 'plain'), 0o644);
    expect(binaryProblem(join(dir, 'plain'))).toBe(`${join(dir, 'plain')} is not executable`);
    expect(binaryProblem(dir)).toBe(`${dir} is not a file`);
  });

  it('an orchestrator that exits at start-up fails the start with the line that says why, and is gone', async () => {
    const dir = tempDir();
    const fake = join(dir, 'orchestrator');
    writeFileSync(fake, '#!/bin/sh\necho "2026-12-02 05:00:00 FATAL cannot open the backend" >&2\nexit 1\n');
    chmodSync(fake, 0o755);
    const build: OrchestratorBuild = { fork: 'openark', binary: fake, version: 'fake', release: 'openark-3.2.6' };
    const gen = generated(dir, await freePort());
    const before = startedPids.length;
    await expect(startDeployment(build, gen, 'main', dir)).rejects.toThrow('orchestrator (openark) exited at start-up (1): FATAL cannot open the backend');
    expect(startedPids.length).toBe(before + 1);
    expect(startedPids.slice(before).filter(alive)).toEqual([]);
  });
});

engineDescribe('the real orchestrator under bad conditions', 'orchestrator', () => {
  const build = ORCHESTRATOR_BUILDS[0]!;

  it('an HTTP port already taken: the start fails naming the address, nothing keeps running', async () => {
    const dir = tempDir();
    const port = await freePort();
    const taken: Server = createServer();
    await new Promise<void>((r) => taken.listen(port, '127.0.0.1', () => r()));
    try {
      const before = startedPids.length;
      const start = startDeployment(build, generated(dir, await freePort()), 'main', dir, { httpPorts: [port] });
      await expect(start).rejects.toThrow(new RegExp(`exited at start-up \\(1\\): FATAL listen tcp 127\\.0\\.0\\.1:${port}: bind: address already in use`));
      expect(startedPids.length).toBe(before + 1);
      expect(startedPids.slice(before).filter(alive)).toEqual([]);
    } finally {
      taken.close();
    }
  });

  it('a topology that never becomes healthy: discovery fails with the cause, and stopping leaves no process', async () => {
    const dir = tempDir();
    const topo = await startTopology([{ name: 'db1' }]);
    const pids = [topo.nodes.db1!.process.pid];
    const orchestrator = await startDeployment(build, generated(dir, await freePort()), 'main', dir);
    pids.push(...orchestrator.nodes.map((n) => n.process.pid));
    try {
      // orchestrator has no credentials for the server: it never reads it, so the cluster never appears.
      await expect(discoverAll(orchestrator, topo.nodes.db1!.key, 1, 3000)).rejects.toThrow('orchestrator did not discover the 1 servers of c1 within 3s');
    } finally {
      await orchestrator.stop();
      await topo.stop();
    }
    expect(pids.filter(alive)).toEqual([]);
  });
});
