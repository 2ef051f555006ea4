/**
 * What really happened after a failure: orchestrator's own record of detection and recovery
 * (`/api/audit-failure-detection`, `/api/audit-recovery`), then the state of every surviving
 * server read from the server itself, then a timed INSERT on the writable primary.
 */
import { readFileSync, statSync } from 'node:fs';
import type mysql from 'mysql2/promise';
import type { EnginePrediction, HostAfter } from '../../src/simulate/model.js';
import type { Scenario, ScenarioContext } from './scenario.js';

export interface Observed {
  /** orchestrator's analysis of the failure, e.g. `DeadMaster`; undefined when it detected nothing. */
  analysis?: string;
  /** A recovery ran and orchestrator recorded it as successful. */
  recovered: boolean;
  successor?: string;
  /** Seconds from the failure to the first detection / the end of the recovery, as polled. */
  detectedAfter?: number;
  /** When the last poll that did not yet see the detection was sent: the detection came later. */
  detectedNotBefore?: number;
  recoveredAfter?: number;
  /** Surviving servers as read from each server itself, by key, in the shape of a prediction's after-state. */
  hosts: HostAfter[];
  /** The writable server afterwards, and which of its replicas acknowledge semi-sync. */
  primary?: string;
  ackers: string[];
  /** Seconds the first INSERT on `primary` took. */
  insertSeconds?: number;
  /** Replication threads and errors of each replica as last read, for whoever reads a disagreement. */
  threads: Record<string, string>;
  errors: string[];
  /** Replicas orchestrator recorded as lost (not moved under the successor). */
  lost: string[];
  /** orchestrator's own account of the recovery (`/api/audit-recovery-steps`), for whoever reads a disagreement. */
  steps: string[];
  /** Everything orchestrator logged from the failure on. */
  log: string[];
  /**
   * orchestrator failed to read the server it promoted while it recovered (its poll raced the
   * promotion's RESET SLAVE ALL). In such a run its regroup may leave replicas on the dead primary
   * without recording them lost: an engine race, not an outcome simulate can predict.
   */
  successorUnread: boolean;
}

interface Key {
  Hostname: string;
  Port: number;
}

interface Detection {
  AnalysisEntry: { AnalyzedInstanceKey: Key; Analysis: string };
}

interface Recovery extends Detection {
  Id: number;
  UID: string;
  LostReplicas: Key[] | null;
  SuccessorKey: Key | null;
  IsSuccessful: boolean;
  RecoveryEndTimestamp: string;
  AllErrors: string[];
}

const keyOf = (k: Key | null | undefined) => (k && k.Hostname ? `${k.Hostname}:${k.Port}` : undefined);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The ERROR lines orchestrator logged from the failure on (errors of postponed relocations are only there). */
export function logErrors(o: Observed): string[] {
  return o.log.filter((l) => l.includes(' ERROR '));
}

/** How long to wait for orchestrator to finish a recovery (hooks included). */
const RECOVERY_TIMEOUT_MS = 120_000;

interface HostReading {
  host: HostAfter;
  /** Its replication threads and errors, in words. */
  threads?: string;
  /** An IO thread still connecting without an error: not settled yet. */
  connecting: boolean;
}

async function readHost(c: mysql.Connection, key: string): Promise<HostReading> {
  const [status] = await c.query<mysql.RowDataPacket[]>('SHOW SLAVE STATUS');
  const [vars] = await c.query<mysql.RowDataPacket[]>('SELECT @@global.read_only AS ro, @@global.rpl_semi_sync_master_enabled AS src, @@global.rpl_semi_sync_slave_enabled AS rep');
  const r = status[0];
  const v = vars[0]!;
  const source = r && r.Master_Host ? `${r.Master_Host}:${r.Master_Port}` : undefined;
  return {
    host: {
      key,
      ...(source ? { source } : {}),
      replicating: r !== undefined && r.Slave_IO_Running === 'Yes' && r.Slave_SQL_Running === 'Yes',
      readOnly: Number(v.ro) === 1,
      semiSyncSource: Number(v.src) === 1,
      semiSyncReplica: Number(v.rep) === 1,
    },
    ...(r ? { threads: `IO ${r.Slave_IO_Running}, SQL ${r.Slave_SQL_Running}${r.Last_IO_Error ? `, IO error: ${r.Last_IO_Error}` : ''}${r.Last_SQL_Error ? `, SQL error: ${r.Last_SQL_Error}` : ''}` } : {}),
    connecting: r !== undefined && r.Slave_IO_Running === 'Connecting' && !r.Last_IO_Error,
  };
}

/** Fails `fail`, waits for orchestrator's recovery, and reads the outcome. */
export async function observeFailover(ctx: ScenarioContext, s: Scenario, fail: string, prediction: EnginePrediction): Promise<Observed> {
  const { topo, orchestrator } = ctx;
  const failedNode = Object.values(topo.nodes).find((n) => n.key === fail)!;
  const survivors = Object.values(topo.nodes).filter((n) => n !== failedNode);
  const conns = new Map<string, mysql.Connection>();
  for (const n of survivors) conns.set(n.key, await topo.admin(n.name));
  const observed: Observed = { recovered: false, hosts: [], ackers: [], errors: [], threads: {}, lost: [], steps: [], log: [], successorUnread: false };

  const logStart = new Map(orchestrator.nodes.map((n) => [n.logFile, statSync(n.logFile).size]));
  const t0 = performance.now();
  const since = () => (performance.now() - t0) / 1000;
  failedNode.process.kill('SIGKILL');
  const during = s.during?.(ctx);
  let recovery: Recovery | undefined;
  // why: a poll can take over a second (finding the raft leader asks a dead node first); the
  // detection happened after the last poll that did not see it was sent.
  let lastMiss = 0;
  while (performance.now() - t0 < RECOVERY_TIMEOUT_MS) {
    const asked = since();
    const detections = await orchestrator.api<Detection[]>('audit-failure-detection').catch(() => []);
    const hit = Array.isArray(detections) ? detections.find((d) => keyOf(d.AnalysisEntry.AnalyzedInstanceKey) === fail) : undefined;
    if (!hit) lastMiss = asked;
    if (hit && observed.detectedAfter === undefined) {
      observed.detectedAfter = since();
      observed.detectedNotBefore = lastMiss;
      observed.analysis = hit.AnalysisEntry.Analysis;
    }
    const recoveries = await orchestrator.api<Recovery[]>('audit-recovery').catch(() => []);
    // why: after a raft leader change a later attempt on the same dead server may have ended too; the first one that ended is the recovery.
    const ended = Array.isArray(recoveries) ? recoveries.filter((r) => keyOf(r.AnalysisEntry.AnalyzedInstanceKey) === fail && r.RecoveryEndTimestamp) : [];
    recovery = ended.sort((a, b) => a.Id - b.Id)[0];
    if (recovery) {
      observed.recoveredAfter = since();
      break;
    }
    await sleep(100);
  }
  await during;
  if (recovery) {
    observed.recovered = recovery.IsSuccessful;
    const successor = keyOf(recovery.SuccessorKey);
    if (successor && recovery.IsSuccessful) observed.successor = successor;
    observed.errors = (recovery.AllErrors ?? []).filter(Boolean);
    // why: orchestrator writes the lost replicas with the recovery's end, so this record holds them.
    observed.lost = (recovery.LostReplicas ?? []).map((k) => keyOf(k)).filter((k) => k !== undefined).sort();
  }
  const settled = await settledStates(conns);
  if (recovery) {
    // why: read after the servers settled, so that steps orchestrator logs after the recovery's end are in.
    const steps = await orchestrator.api<{ AuditAt: string; Message: string }[]>(`audit-recovery-steps/${recovery.UID}`).catch(() => []);
    observed.steps = Array.isArray(steps) ? steps.map((st) => `${st.AuditAt} ${st.Message}`) : [];
  }
  for (const [file, start] of logStart) {
    observed.log.push(...readFileSync(file).subarray(start).toString('utf8').split('\n'));
  }
  const promoted = keyOf(recovery?.SuccessorKey);
  observed.successorUnread = promoted !== undefined && logErrors(observed).some((l) => l.includes(`ReadTopologyInstance(${promoted})`));
  observed.hosts = settled.map((r) => r.host);
  for (const r of settled) if (r.threads) observed.threads[r.host.key] = r.threads;
  const writable = observed.hosts.filter((h) => !h.readOnly && h.source === undefined);
  observed.primary = writable.length === 1 ? writable[0]!.key : undefined;
  if (observed.primary) {
    observed.ackers = observed.hosts.filter((h) => h.source === observed.primary && h.replicating && h.semiSyncReplica).map((h) => h.key).sort();
    observed.insertSeconds = await timedInsert(conns.get(observed.primary)!, prediction);
  }
  return observed;
}

/**
 * Reads every server until four reads a second apart agree and no IO thread is still connecting
 * without an error (replicas restarted by the recovery, on a busy machine, settle later).
 */
async function settledStates(conns: Map<string, mysql.Connection>): Promise<HostReading[]> {
  const read = async () => (await Promise.all([...conns].map(([key, c]) => readHost(c, key)))).sort((a, b) => (a.host.key < b.host.key ? -1 : 1));
  const same = (a: HostReading[], b: HostReading[]) => JSON.stringify(a.map((r) => r.host)) === JSON.stringify(b.map((r) => r.host));
  // why: orchestrator writes the recovery's end (resolveRecovery) before its last steps (the
  // handover, moving the remaining replicas); on a loaded machine one quiet second is not the end.
  let last = await read();
  let quiet = 0;
  for (let i = 0; i < 25; i++) {
    await sleep(1000);
    const now = await read();
    quiet = same(now, last) && !now.some((r) => r.connecting) ? quiet + 1 : 0;
    if (quiet >= 3) return now;
    last = now;
  }
  return last;
}

/** Seconds one INSERT takes on `c`; gives up (returning Infinity) well after any bounded prediction. */
async function timedInsert(c: mysql.Connection, prediction: EnginePrediction): Promise<number> {
  const bound = (prediction.semiSync.blockedSeconds ?? 60) + 15;
  const t = performance.now();
  const insert = c.query('INSERT INTO app.t VALUES (UNIX_TIMESTAMP(NOW(6)) * 1000000 % 2000000000)').then(() => (performance.now() - t) / 1000);
  const timeout = sleep(bound * 1000).then(() => Infinity);
  return Promise.race([insert, timeout]);
}
