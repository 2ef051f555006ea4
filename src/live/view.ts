import { promotable } from '../policy/candidates.js';
import type { ClusterPolicy, HostPolicy } from '../policy/model.js';
import type { Instance, Topology } from '../topology/model.js';
import { cyclesOf } from '../util/cycles.js';

/** A cluster policy laid over the live topology. */
export interface ClusterView {
  byKey: Map<string, Instance>;
  /** Instances of the replication trees that hold any of the policy's hosts, sorted by key. */
  component: Instance[];
  /**
   * The live primary: the one top of the tree (no source inside it). With co-primaries (a cycle)
   * it is the single writable member of the ring, if there is one and every member could be read.
   */
  livePrimary?: Instance;
  /** Promotable policy hosts with their live instance (absent when not in the topology). */
  candidates: { host: HostPolicy; instance?: Instance }[];
}

export function viewOf(cluster: ClusterPolicy, topology: Topology): ClusterView {
  const byKey = new Map(topology.instances.map((i) => [i.key, i]));
  const neighbours = new Map<string, string[]>();
  const link = (a: string, b: string) => {
    neighbours.set(a, [...(neighbours.get(a) ?? []), b]);
    neighbours.set(b, [...(neighbours.get(b) ?? []), a]);
  };
  for (const i of topology.instances) if (i.source !== undefined && byKey.has(i.source)) link(i.key, i.source);
  const seen = new Set<string>();
  const queue = cluster.hosts.map((h) => h.key).filter((k) => byKey.has(k));
  while (queue.length > 0) {
    const k = queue.pop()!;
    if (seen.has(k)) continue;
    seen.add(k);
    queue.push(...(neighbours.get(k) ?? []));
  }
  const component = topology.instances.filter((i) => seen.has(i.key));
  return {
    byKey,
    component,
    livePrimary: findPrimary(component),
    candidates: promotable(cluster).map((host) => ({ host, instance: byKey.get(host.key) })),
  };
}

function findPrimary(component: Instance[]): Instance | undefined {
  const keys = new Set(component.map((i) => i.key));
  const tops = component.filter((i) => i.source === undefined || !keys.has(i.source));
  if (tops.length === 1) return tops[0];
  if (tops.length > 1) return undefined;
  // why: a connected component without a top holds exactly one ring; a writable replica hanging
  // off the ring does not make the ring's single writable member any less its primary.
  const byKey = new Map(component.map((i) => [i.key, i]));
  const ring = cyclesOf(keys, (k) => byKey.get(k)?.source)[0] ?? [];
  const members = ring.map((k) => byKey.get(k)!);
  const writable = members.filter((i) => i.reachable && i.readOnly === false);
  return writable.length === 1 && members.every((i) => i.reachable) ? writable[0] : undefined;
}

/** Where the policy mentions a host: its entry under `hosts`, or `hosts` itself for an unknown one. */
export function hostPath(cluster: ClusterPolicy, key: string): (string | number)[] {
  const h = cluster.hosts.find((x) => x.key === key);
  return h ? ['hosts', h.written] : ['hosts'];
}

/** `host:port (from orchestrator at http://…)` style suffix naming where the topology came from. */
export function describeOrigin(topology: Topology): string {
  return `${topology.origin.kind} ${topology.origin.detail}`;
}
