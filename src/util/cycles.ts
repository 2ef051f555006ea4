/**
 * The cycles of a graph in which every node has at most one successor (a replica has at most one
 * source): replication rings in a topology, `source` loops in a policy. Each cycle is listed once,
 * starting at its smallest key and following the successors; cycles are sorted by that first key.
 * Every node is visited once, so nothing here can loop, whatever the input.
 */
export function cyclesOf(keys: Iterable<string>, next: (key: string) => string | undefined): string[][] {
  const state = new Map<string, 'walking' | 'done'>();
  const cycles: string[][] = [];
  for (const start of keys) {
    const path: string[] = [];
    let cur: string | undefined = start;
    while (cur !== undefined && !state.has(cur)) {
      state.set(cur, 'walking');
      path.push(cur);
      cur = next(cur);
    }
    // why: meeting a node of this very walk closes a new cycle; meeting a finished one does not.
    if (cur !== undefined && state.get(cur) === 'walking') cycles.push(rotate(path.slice(path.indexOf(cur))));
    for (const k of path) state.set(k, 'done');
  }
  return cycles.sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0));
}

function rotate(cycle: string[]): string[] {
  let min = 0;
  for (let i = 1; i < cycle.length; i++) if (cycle[i]! < cycle[min]!) min = i;
  return [...cycle.slice(min), ...cycle.slice(0, min)];
}
