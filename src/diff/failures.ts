import type { ClusterPolicy, FleetPolicy } from '../policy/model.js';
import { enginesOf, simulateEachSingleFailure } from '../simulate/index.js';
import type { Topology } from '../topology/model.js';
import type { FailureChange, Outcome, WorstStall } from './model.js';

interface Side {
  outcomes: Map<string, Outcome>;
  worst?: WorstStall;
}

const SEP = '\u0000';

/** Every single-host failure of the cluster, per engine it runs under, as simulate --each-single-failure predicts it. */
function simulateSide(cluster: ClusterPolicy | undefined, fleet: FleetPolicy | undefined, topology: Topology, label: string, notes: string[]): Side {
  const outcomes = new Map<string, Outcome>();
  if (!cluster) return { outcomes };
  try {
    const each = simulateEachSingleFailure(cluster, topology, enginesOf(cluster), fleet);
    for (const sim of each.simulations) {
      for (const p of sim.engines) {
        outcomes.set(`${sim.failed}${SEP}${p.engine}`, {
          successor: p.promoted ?? p.replacement ?? null,
          ackers: [...p.semiSync.ackers].sort(),
          stallSeconds: p.writeStallSeconds,
        });
      }
    }
    return { outcomes, ...(each.worst ? { worst: { failed: each.worst.failed, engine: each.worst.engine, stallSeconds: each.worst.writeStallSeconds } } : {}) };
  } catch (e) {
    // why: one cluster the simulation cannot model must not hide what the diff computed for the others.
    notes.push(`${label}: cannot simulate: ${(e as Error).message}`);
    return { outcomes };
  }
}

function same(a: Outcome | undefined, b: Outcome | undefined): boolean {
  return a !== undefined && b !== undefined && a.successor === b.successor && a.stallSeconds === b.stallSeconds && a.ackers.join() === b.ackers.join();
}

/**
 * The single-host failures whose outcome differs between the two policies of one cluster, against
 * one topology, and the worst-case write stall on each side. A policy host the topology lacks is a
 * note: its failure cannot be simulated.
 */
export function failureChanges(before: ClusterPolicy | undefined, after: ClusterPolicy | undefined, fleets: { before?: FleetPolicy; after?: FleetPolicy }, topology: Topology) {
  const notes: string[] = [];
  const known = new Set(topology.instances.map((i) => i.key));
  for (const h of after?.hosts ?? []) {
    if (!known.has(h.key)) notes.push(`the topology lacks ${h.key}, which the new policy names; its failure is not simulated`);
  }
  const b = simulateSide(before, fleets.before, topology, 'base', notes);
  const a = simulateSide(after, fleets.after, topology, 'head', notes);
  const changes: FailureChange[] = [];
  for (const key of [...new Set([...b.outcomes.keys(), ...a.outcomes.keys()])].sort()) {
    const [failed, engine] = key.split(SEP) as [string, FailureChange['engine']];
    const was = b.outcomes.get(key);
    const is = a.outcomes.get(key);
    if (!same(was, is)) changes.push({ failed, engine, ...(was ? { before: was } : {}), ...(is ? { after: is } : {}) });
  }
  return { changes, worst: { ...(b.worst ? { before: b.worst } : {}), ...(a.worst ? { after: a.worst } : {}) }, notes };
}
