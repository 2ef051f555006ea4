/**
 * One engine conformance scenario, end to end: a fresh MariaDB topology, a policy repository
 * describing it, `succession build`, the real orchestrator started from the generated node
 * configs, the generated meta SQL applied as docs/build.md says, `succession simulate` against
 * two topology sources (`succession discover` and orchestrator's API), a SIGKILL of one server,
 * and the real outcome read back from orchestrator and from every server.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnginePrediction, Simulation } from '../../src/simulate/model.js';
import { BIN } from '../cli/helpers.js';
import { freePort, startTopology, writeAndSync, type LiveTopology, type NodeSpec } from '../live/topology.js';
import type { OrchestratorBuild, OrchestratorFork } from './engines.js';
import { observeFailover, type Observed } from './observe.js';
import { ENVIRONMENT_KEYS, startDeployment, type RunningDeployment } from './orchestrator.js';

export interface Scenario {
  id: string;
  title: string;
  /** The servers; the first is the primary. `semiSyncTimeoutMs` defaults to SEMI_SYNC_TIMEOUT_MS. */
  nodes: NodeSpec[];
  /**
   * The cluster policy below `kind`, `name`, `primary` and `orchestrator` (written by the
   * harness), with `{db1}`-style placeholders for the servers' host keys.
   */
  policy: string;
  /** Raft nodes of the deployment (default 1). */
  raftNodes?: number;
  /** The user orchestrator connects as: one that may change the servers (default), or one that may only look. */
  user?: 'admin' | 'monitor';
  /** After orchestrator has discovered the servers, before the prediction: bring the topology into shape. */
  prepare?: (ctx: ScenarioContext) => Promise<void>;
  /** Whether to apply the generated meta SQL (default true). */
  applyMeta?: boolean;
  /** The server that fails (default: the primary). */
  fail?: string;
  /** Right after the failure, e.g. kill the raft leader while a hook runs. */
  during?: (ctx: ScenarioContext) => Promise<void>;
  /** The orchestrator forks to run it with (default: every build given). */
  forks?: OrchestratorFork[];
  /** Rule ids `succession check` must report before the failure. */
  checkFindings?: string[];
  /** The timeline bound the recovery must meet: the ordinary one, or the retry after a raft leader change. */
  bound?: 'recovery' | 'retry';
}

export interface ScenarioContext {
  topo: LiveTopology;
  key(node: string): string;
  orchestrator: RunningDeployment;
  workDir: string;
}

export type TopologySource = 'discover' | 'orchestrator-api';

export interface ScenarioRun {
  scenario: Scenario;
  build: OrchestratorBuild;
  predictions: Record<TopologySource, EnginePrediction>;
  observed: Observed;
  /** Rule ids `succession check` reported on the discovered topology. */
  checkFindings: string[];
  /** Host key → node name, for readable reports. */
  names: Map<string, string>;
}

/** rpl_semi_sync_master_timeout of every server: long enough to see a stall, short enough for CI. */
export const SEMI_SYNC_TIMEOUT_MS = 6000;
export const ORCHESTRATOR_USER = { user: 'orc', password: 'orc-pw#1' };
const CLUSTER = 'c1';

/** Runs the built CLI; returns stdout, throwing with stderr when the exit code is not in `ok`. */
function cli(args: string[], ok: number[] = [0]): string {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  if (!ok.includes(r.status ?? -1)) throw new Error(`succession ${args.join(' ')} exited ${r.status}:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

function fill(text: string, key: (n: string) => string): string {
  return text.replace(/\{(db\d+)\}/g, (_, n: string) => key(n));
}

export async function createOrchestratorUser(topo: LiveTopology, kind: 'admin' | 'monitor'): Promise<void> {
  const { user, password } = ORCHESTRATOR_USER;
  // why: a monitoring-only user, as observed: it can read everything orchestrator reads but change nothing.
  const grants = kind === 'admin' ? 'ALL PRIVILEGES' : 'SELECT, PROCESS, REPLICATION CLIENT, REPLICATION SLAVE, SLAVE MONITOR, REPLICATION MASTER ADMIN';
  for (const name of Object.keys(topo.nodes)) {
    const c = await topo.admin(name);
    await c.query('SET SESSION sql_log_bin=0');
    await c.query(`CREATE USER '${user}'@'127.0.0.1' IDENTIFIED BY '${password}'`);
    await c.query(`GRANT ${grants} ON *.* TO '${user}'@'127.0.0.1'`);
  }
}

function writeRepository(s: Scenario, dir: string, key: (n: string) => string, build: OrchestratorBuild, raftPorts: number[]): { repo: string; credentials: string } {
  const repo = join(dir, 'repo');
  mkdirSync(join(repo, 'clusters'), { recursive: true });
  const credentials = join(dir, 'topology.cnf');
  // why: orchestrator reads it with gcfg, where an unquoted # or ; starts a comment; the mysql client accepts the quotes too.
  writeFileSync(credentials, `[client]\nuser=${ORCHESTRATOR_USER.user}\npassword="${ORCHESTRATOR_USER.password}"\n`, { mode: 0o600 });
  const single = raftPorts.length === 1 ? '      # succession-disable-next-line raft-node-count -- one orchestrator node is enough for this failover test\n' : '';
  writeFileSync(
    join(repo, 'fleet.yaml'),
    [
      'kind: fleet',
      'orchestrator:',
      '  deployments:',
      '    main:',
      `      release: ${build.release}`,
      `${single}      raft: { nodes: [${raftPorts.map((p) => `"127.0.0.1:${p}"`).join(', ')}], dataDir: ${join(dir, 'raft')} }`,
      '      instancePollSeconds: 1',
      `      backend: { type: sqlite, sqliteFile: ${join(dir, 'orchestrator.sqlite3')} }`,
      `      topologyCredentialsFile: ${credentials}`,
      '',
    ].join('\n'),
  );
  const primary = s.nodes[0]!.name;
  writeFileSync(
    join(repo, 'clusters', `${CLUSTER}.yaml`),
    `kind: cluster\nname: ${CLUSTER}\nprimary: "${key(primary)}"\norchestrator: { deployment: main }\n${fill(s.policy, (n) => `"${key(n)}"`)}`,
  );
  return { repo, credentials };
}

/** Applies a generated meta SQL file with the mariadb client on the primary, as docs/build.md tells users to. */
export function applyMeta(topo: LiveTopology, primary: string, file: string): void {
  const r = spawnSync('mariadb', ['--no-defaults', '-uroot', `--socket=${topo.nodes[primary]!.socket}`], { input: readFileSync(file), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`mariadb < ${file} failed: ${r.stderr}`);
}

function predict(repo: string, fail: string, topology: string, credentials: string): EnginePrediction {
  const sim = JSON.parse(cli(['simulate', CLUSTER, '--policies', repo, '--fail', fail, '--topology', topology, '--defaults-file', credentials, '--engine', 'orchestrator', '--format', 'json'])) as Simulation;
  return sim.engines[0]!;
}

/** Runs `s` once with `build` and returns what was predicted and what happened. */
export async function runScenario(s: Scenario, build: OrchestratorBuild): Promise<ScenarioRun> {
  const topo = await startTopology(s.nodes.map((n) => ({ semiSyncTimeoutMs: SEMI_SYNC_TIMEOUT_MS, ...n })));
  let orchestrator: RunningDeployment | undefined;
  try {
    const key = (n: string) => topo.nodes[n]!.key;
    const names = new Map(Object.values(topo.nodes).map((n) => [n.key, n.name]));
    const primary = s.nodes[0]!.name;
    await createOrchestratorUser(topo, s.user ?? 'admin');
    const raftPorts = await Promise.all(Array.from({ length: s.raftNodes ?? 1 }, () => freePort()));
    const { repo, credentials } = writeRepository(s, topo.dir, key, build, raftPorts);
    const generated = join(topo.dir, 'generated');
    cli(['build', repo, '--out', generated]);
    if (s.applyMeta !== false) applyMeta(topo, primary, join(generated, 'orchestrator', 'main', 'meta', `${CLUSTER}.sql`));
    await writeAndSync(
      topo,
      primary,
      s.nodes.filter((n) => n.source !== undefined && !n.delay).map((n) => n.name),
    );
    orchestrator = await startDeployment(build, generated, 'main', topo.dir);
    for (const n of orchestrator.nodes) {
      const changed = Object.keys(n.started).filter((k) => JSON.stringify(n.started[k]) !== JSON.stringify(n.generated[k]));
      const foreign = changed.filter((k) => !(k in ENVIRONMENT_KEYS));
      if (foreign.length) throw new Error(`the started config of ${n.name} differs from the generated one beyond the environment: ${foreign.join(', ')}`);
    }
    const ctx: ScenarioContext = { topo, key, orchestrator, workDir: topo.dir };
    await discoverAll(orchestrator, key(primary), s.nodes.length);
    await s.prepare?.(ctx);
    // why: orchestrator reads each server once per InstancePollSeconds (1 s here); let its view catch up with the preparation.
    await new Promise((r) => setTimeout(r, 2500));
    const fail = key(s.fail ?? primary);
    const snapshot = join(topo.dir, 'snapshot.json');
    cli(['discover', '--seed', key(primary), '--defaults-file', credentials, '--meta-schema', 'meta', '--orchestrator-credentials', credentials, '--output', snapshot]);
    const checkOut = (JSON.parse(cli(['check', repo, '--topology', snapshot, '--format', 'json'], [0, 1])) as { findings: { ruleId: string }[] }).findings;
    const predictions = {
      discover: predict(repo, fail, snapshot, credentials),
      'orchestrator-api': predict(repo, fail, `${(await orchestrator.leader()).url}/api`, credentials),
    };
    const observed = await observeFailover(ctx, s, fail, predictions.discover);
    return { scenario: s, build, predictions, observed, checkFindings: [...new Set(checkOut.map((f) => f.ruleId))].sort(), names };
  } catch (e) {
    if (orchestrator) (e as Error).message += `\norchestrator logs:\n${orchestrator.logs()}`;
    throw e;
  } finally {
    await orchestrator?.stop();
    await topo.stop();
  }
}

/** Asks orchestrator to discover the primary and waits until it knows all `count` servers of the cluster. */
export async function discoverAll(orc: RunningDeployment, primary: string, count: number, timeoutMs = 60_000): Promise<void> {
  const [host, port] = [primary.slice(0, primary.lastIndexOf(':')), primary.slice(primary.lastIndexOf(':') + 1)];
  await orc.api(`discover/${host}/${port}`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const instances = await orc.api<{ IsLastCheckValid: boolean }[] | { Message: string }>(`cluster/alias/${CLUSTER}`).catch(() => undefined);
    if (Array.isArray(instances) && instances.length === count && instances.every((i) => i.IsLastCheckValid)) break;
    if (Date.now() > deadline) throw new Error(`orchestrator did not discover the ${count} servers of ${CLUSTER} within ${timeoutMs / 1000}s: ${JSON.stringify(instances)?.slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
