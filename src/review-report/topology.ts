import type { Instance, Topology } from '../topology/model.js';

/**
 * The replication trees of a topology, each as a topology of its own, by instance key. A fleet's
 * topology can hold tens of thousands of servers and the report simulates every cluster: each
 * cluster is given only its own trees, so that the work stays linear in the fleet, not its square.
 * The simulations look at nothing outside the trees that hold the cluster's hosts.
 */
export function splitTopology(topology: Topology): (keys: readonly string[]) => Topology | undefined {
  const parent = new Map<string, string>();
  const find = (k: string): string => {
    let root = k;
    while (parent.get(root) !== root) root = parent.get(root)!;
    for (let n = k; n !== root; ) {
      const next = parent.get(n)!;
      parent.set(n, root);
      n = next;
    }
    return root;
  };
  for (const i of topology.instances) parent.set(i.key, i.key);
  for (const i of topology.instances) if (i.source !== undefined && parent.has(i.source)) parent.set(find(i.key), find(i.source));
  const members = new Map<string, Instance[]>();
  for (const i of topology.instances) {
    const root = find(i.key);
    const list = members.get(root);
    if (list) list.push(i);
    else members.set(root, [i]);
  }
  const order = new Map(topology.instances.map((i, n) => [i.key, n]));
  return (keys) => {
    const roots = [...new Set(keys.filter((k) => parent.has(k)).map(find))];
    if (roots.length === 0) return undefined;
    // why: the instances keep the topology's order (sorted by key), which the simulations rely on.
    const instances = roots.length === 1 ? members.get(roots[0]!)! : roots.flatMap((r) => members.get(r)!).sort((a, b) => order.get(a.key)! - order.get(b.key)!);
    const known = new Set(instances.map((i) => i.key));
    return { ...topology, instances, unreachable: topology.unreachable.filter((u) => known.has(u.key)) };
  };
}
