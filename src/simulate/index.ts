import type { ClusterPolicy } from '../policy/model.js';
import { viewOf } from '../live/view.js';
import type { Instance, Topology } from '../topology/model.js';
import { failureContext, type FailureContext } from './context.js';
import { cmonFailover } from './cmon.js';
import { mhaFailover } from './mha.js';
import { ENGINES, type Engine, type EnginePrediction, type Simulation } from './model.js';
import { orchestratorFailover } from './orchestrator.js';
import { semiSyncOutcome } from './semisync.js';

export class SimulationError extends Error {}

/** Which engines manage the cluster according to its policy (all three when it names none). */
export function enginesOf(cluster: ClusterPolicy): Engine[] {
  const named: Engine[] = [];
  if (cluster.orchestrator) named.push('orchestrator');
  if (cluster.cmon) named.push('cmon');
  if (cluster.mha?.enabled) named.push('mha');
  return named.length ? named : [...ENGINES];
}

/** The loss of a host that is not the primary: no promotion, but semi-sync may lose an acknowledger. */
function replicaLoss(ctx: FailureContext, engine: Engine, primary: Instance | undefined, role: 'intermediate' | 'replica'): EnginePrediction {
  const managed = engine === 'orchestrator' && ctx.cluster.semiSync.enforcement !== 'off';
  const notes: string[] = [];
  if (role === 'intermediate') {
    notes.push(
      engine === 'orchestrator'
        ? `orchestrator relocates the replicas of ${ctx.failed.key} under a sibling (intermediate-master recovery; no DC fence applies there)`
        : engine === 'mha'
          ? `MHA manages only the primary; the replicas of ${ctx.failed.key} stop replicating until repointed by hand`
          : `cmon does not repoint the replicas of ${ctx.failed.key} automatically; they stop replicating`,
    );
  }
  const outcome = semiSyncOutcome(ctx, primary?.key, { managed, setsSemiSyncOnPromotion: false, promotedAt: 0, regrouped: false });
  return {
    engine,
    promoted: undefined,
    ranking: [],
    excluded: [],
    notes,
    semiSync: outcome.semiSync,
    timeline: [{ at: 0, event: `${ctx.failed.key} fails` }, ...outcome.timeline].sort((a, b) => a.at - b.at),
    writeStallSeconds: outcome.stall ?? null,
  };
}

/**
 * Predicts, per engine, what happens when `failedKey` (default: the live primary, else the
 * declared one) fails now.
 */
export function simulateFailure(cluster: ClusterPolicy, topology: Topology, failedKey: string | undefined, engines: readonly Engine[]): Simulation {
  const view = viewOf(cluster, topology);
  const key = failedKey ?? view.livePrimary?.key ?? cluster.primary;
  const failed = view.byKey.get(key);
  if (!failed) throw new SimulationError(`${key} is not in the topology of cluster "${cluster.name}"`);
  const ctx = failureContext(cluster, topology, failed);
  const primaryKey = view.livePrimary?.key ?? cluster.primary;
  const role = key === primaryKey ? 'primary' : ctx.siblings.length > 0 ? 'intermediate' : 'replica';
  const predictions = engines.map((engine) => {
    if (role !== 'primary') return replicaLoss(ctx, engine, view.byKey.get(primaryKey), role);
    if (engine === 'orchestrator') return orchestratorFailover(ctx);
    if (engine === 'cmon') return cmonFailover(ctx);
    return mhaFailover(ctx);
  });
  return { cluster: cluster.name, failed: key, failedRole: role, engines: predictions };
}

export interface EachFailure {
  simulations: Simulation[];
  /** The failure with the longest write stall (null stalls, i.e. unbounded, count as longest). */
  worst: { failed: string; engine: Engine; writeStallSeconds: number | null } | undefined;
}

/** Simulates the loss of every single reachable host of the cluster, and names the worst. */
export function simulateEachSingleFailure(cluster: ClusterPolicy, topology: Topology, engines: readonly Engine[]): EachFailure {
  const view = viewOf(cluster, topology);
  const simulations = view.component.map((i) => simulateFailure(cluster, topology, i.key, engines));
  let worst: EachFailure['worst'];
  const rank = (s: number | null) => (s === null ? Infinity : s);
  for (const sim of simulations) {
    for (const p of sim.engines) {
      if (!worst || rank(p.writeStallSeconds) > rank(worst.writeStallSeconds)) worst = { failed: sim.failed, engine: p.engine, writeStallSeconds: p.writeStallSeconds };
    }
  }
  return { simulations, worst };
}
