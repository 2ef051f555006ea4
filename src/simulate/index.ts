import type { ClusterPolicy, FleetPolicy } from '../policy/model.js';
import { viewOf } from '../live/view.js';
import type { Instance, Topology } from '../topology/model.js';
import { afterList, failureContext, survivorsAsNow, type FailureContext } from './context.js';
import { cmonFailover } from './cmon.js';
import { mhaFailover } from './mha.js';
import { ENGINES, type Engine, type EnginePrediction, type Simulation } from './model.js';
import { orchestratorFailover } from './orchestrator/dead-primary.js';
import { orchestratorReplicaLoss } from './orchestrator/dead-replica.js';
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

/**
 * cmon and MHA when a host other than the primary fails: neither repoints the replicas of a
 * failed intermediate primary, and neither manages semi-sync, so the primary may lose its only
 * acknowledger.
 */
function replicaLoss(ctx: FailureContext, engine: Engine, primary: Instance | undefined, role: 'intermediate' | 'replica'): EnginePrediction {
  const notes: string[] = [];
  if (role === 'intermediate') {
    notes.push(
      engine === 'mha'
        ? `MHA manages only the primary; the replicas of ${ctx.failed.key} stop replicating until repointed by hand`
        : `cmon does not repoint the replicas of ${ctx.failed.key} automatically; they stop replicating`,
    );
  }
  const after = survivorsAsNow(ctx);
  for (const h of after.values()) if (h.source === ctx.failed.key) h.replicating = false;
  const outcome = semiSyncOutcome(ctx, primary?.key, after, 0);
  return {
    engine,
    promoted: undefined,
    ranking: [],
    excluded: [],
    notes,
    semiSync: outcome.semiSync,
    after: afterList(after),
    timeline: [{ at: 0, kind: 'failure' as const, event: `${ctx.failed.key} fails` }, ...outcome.timeline].sort((a, b) => a.at - b.at),
    writeStallSeconds: outcome.stall,
  };
}

/**
 * Predicts, per engine, what happens when `failedKey` (default: the live primary, else the
 * declared one) fails now. The fleet tells which orchestrator deployment runs the cluster (its
 * release and poll interval).
 */
export function simulateFailure(cluster: ClusterPolicy, topology: Topology, failedKey: string | undefined, engines: readonly Engine[], fleet?: FleetPolicy): Simulation {
  const view = viewOf(cluster, topology);
  const key = failedKey ?? view.livePrimary?.key ?? cluster.primary;
  const failed = view.byKey.get(key);
  if (!failed) throw new SimulationError(`${key} is not in the topology of cluster "${cluster.name}"`);
  const deployment = cluster.orchestrator ? fleet?.deployments.get(cluster.orchestrator.deployment) : undefined;
  const ctx = failureContext(cluster, topology, failed, view.component, deployment);
  const primaryKey = view.livePrimary?.key ?? cluster.primary;
  const role = key === primaryKey ? 'primary' : ctx.siblings.length > 0 ? 'intermediate' : 'replica';
  const primary = view.byKey.get(primaryKey);
  const predictions = engines.map((engine) => {
    if (role !== 'primary') return engine === 'orchestrator' ? orchestratorReplicaLoss(ctx, primary, role) : replicaLoss(ctx, engine, primary, role);
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
export function simulateEachSingleFailure(cluster: ClusterPolicy, topology: Topology, engines: readonly Engine[], fleet?: FleetPolicy): EachFailure {
  const view = viewOf(cluster, topology);
  const simulations = view.component.map((i) => simulateFailure(cluster, topology, i.key, engines, fleet));
  let worst: EachFailure['worst'];
  const rank = (s: number | null) => (s === null ? Infinity : s);
  for (const sim of simulations) {
    for (const p of sim.engines) {
      if (!worst || rank(p.writeStallSeconds) > rank(worst.writeStallSeconds)) worst = { failed: sim.failed, engine: p.engine, writeStallSeconds: p.writeStallSeconds };
    }
  }
  return { simulations, worst };
}
