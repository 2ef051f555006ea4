/**
 * Runs the real orchestrator from the node configs `succession build` generated. The only
 * changes are those of the test environment, listed in ENVIRONMENT_KEYS: every node listens on
 * a loopback port of its own, and keeps its raft data and SQLite file in the test's directory.
 * Processes are tracked by PID and killed when the test ends, whatever happened.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { freePort } from '../live/topology.js';
import type { OrchestratorBuild } from './engines.js';

/** The keys of a generated node config the test environment changes, and why. */
export const ENVIRONMENT_KEYS: Record<string, string> = {
  ListenAddress: 'each node serves HTTP on its own loopback port (several nodes share one machine)',
  HTTPAdvertise: 'the URL of that port',
  RaftDataDir: 'raft data in the test directory, one per node',
  SQLite3DataFile: 'the SQLite backend in the test directory, one per node',
};

export interface OrchestratorNode {
  /** The node's directory under orchestrator/<deployment>/. */
  name: string;
  url: string;
  configFile: string;
  logFile: string;
  process: ChildProcess;
  /** The generated config and the one started, for the record. */
  generated: Record<string, unknown>;
  started: Record<string, unknown>;
}

export interface RunningDeployment {
  nodes: OrchestratorNode[];
  /** The node whose /api/leader-check answers 200; waits up to `timeoutMs`. */
  leader(timeoutMs?: number): Promise<OrchestratorNode>;
  /** GET `/api/<path>` on `node` (default: the leader), parsed. */
  api<T = unknown>(path: string, node?: OrchestratorNode): Promise<T>;
  kill(node: OrchestratorNode): void;
  stop(): Promise<void>;
  /** Every node's log, for failure messages. */
  logs(): string;
}

const live = new Set<ChildProcess>();
/** The PID of every orchestrator process started, for tests that make sure none outlives them. */
export const startedPids: number[] = [];
process.on('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function get(url: string, timeoutMs = 5000): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // a plain-text answer ("OK", "Not leader")
  }
  return { status: res.status, body };
}

/** The line of a log that says why orchestrator stopped: its last FATAL / ERROR line, else the last line. */
export function exitCause(log: string): string {
  const lines = log.split('\n').map((l) => l.trim()).filter(Boolean);
  const fatal = [...lines].reverse().find((l) => /FATAL|ERROR/.test(l));
  return (fatal ?? lines.at(-1) ?? 'no output').replace(/^\S+ \S+ /, '');
}

/**
 * Starts every node of `deployment` from `generatedDir/orchestrator/<deployment>/<node>/` and
 * waits until one is the raft leader. A node that exits first fails the start with the cause
 * from its log; nothing is left running.
 */
export async function startDeployment(
  build: OrchestratorBuild,
  generatedDir: string,
  deployment: string,
  workDir: string,
  opts: { httpPorts?: number[]; listen?: string[]; leaderTimeoutMs?: number } = {},
): Promise<RunningDeployment> {
  const base = join(generatedDir, 'orchestrator', deployment);
  const names = readdirSync(base, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'meta')
    .map((d) => d.name)
    .sort();
  const nodes: OrchestratorNode[] = [];
  const deploymentRun: RunningDeployment = {
    nodes,
    async leader(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        for (const n of nodes) {
          if (n.process.exitCode !== null || n.process.signalCode !== null) continue;
          try {
            if ((await get(`${n.url}/api/leader-check`, 1000)).status === 200) return n;
          } catch {
            // not answering yet
          }
        }
        const alive = nodes.filter((n) => n.process.exitCode === null && n.process.signalCode === null);
        if (alive.length === 0) {
          const first = nodes.find((n) => n.process.exitCode !== null || n.process.signalCode !== null) ?? nodes[0]!;
          throw new Error(`orchestrator (${build.fork}) exited at start-up (${first.process.exitCode ?? first.process.signalCode}): ${exitCause(readFileSync(first.logFile, 'utf8'))}`);
        }
        if (Date.now() > deadline) throw new Error(`orchestrator (${build.fork}): no raft leader within ${timeoutMs / 1000}s`);
        await sleep(200);
      }
    },
    async api<T>(path: string, node?: OrchestratorNode): Promise<T> {
      const n = node ?? (await deploymentRun.leader());
      const r = await get(`${n.url}/api/${path}`);
      return r.body as T;
    },
    kill(node) {
      node.process.kill('SIGKILL');
    },
    async stop() {
      await Promise.all(nodes.map((n) => stopProcess(n.process)));
    },
    logs() {
      return nodes.map((n) => `--- ${n.name}\n${readFileSync(n.logFile, 'utf8').split('\n').slice(-40).join('\n')}`).join('\n');
    },
  };
  try {
    for (const [i, name] of names.entries()) {
      const configFile = join(base, name, 'orchestrator.conf.json');
      const generated = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
      const nodeDir = join(workDir, `orchestrator-${name}`);
      mkdirSync(nodeDir, { recursive: true });
      // why: nodes of one deployment share the generated HTTP port; on one machine each needs an address of its own.
      const listen = opts.listen?.[i] ?? `127.0.0.1:${opts.httpPorts?.[i] ?? (await freePort())}`;
      const started = {
        ...generated,
        ListenAddress: listen,
        HTTPAdvertise: `http://${listen}`,
        RaftDataDir: join(nodeDir, 'raft'),
        SQLite3DataFile: join(nodeDir, 'orchestrator.sqlite3'),
      };
      const startedFile = join(nodeDir, 'orchestrator.conf.json');
      writeFileSync(startedFile, JSON.stringify(started, null, 2));
      const logFile = join(nodeDir, 'orchestrator.log');
      const fd = openSync(logFile, 'w');
      // why: orchestrator serves its web UI from `resources/` beside the binary. --debug logs each
      // regroup's candidate and its ahead / equal / later replicas, which no API shows.
      const p = spawn(build.binary, ['--debug', '-config', startedFile, 'http'], { cwd: dirname(build.binary), stdio: ['ignore', fd, fd] });
      closeSync(fd);
      live.add(p);
      if (p.pid !== undefined) startedPids.push(p.pid);
      p.once('exit', () => live.delete(p));
      nodes.push({ name, url: `http://${listen}`, configFile: startedFile, logFile, process: p, generated, started });
    }
    await deploymentRun.leader(opts.leaderTimeoutMs);
    return deploymentRun;
  } catch (e) {
    await deploymentRun.stop();
    throw e;
  }
}

async function stopProcess(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise<void>((r) => p.once('exit', () => r()));
  p.kill('SIGTERM');
  const timer = setTimeout(() => p.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
