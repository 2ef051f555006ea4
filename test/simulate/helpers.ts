import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { analyze } from '../../src/lint.js';
import type { ClusterPolicy } from '../../src/policy/model.js';
import { makeTopology, type Instance, type Topology } from '../../src/topology/model.js';
import { readSnapshot } from '../../src/topology/snapshot.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** A recorded topology of `fixtures/`. */
export function recorded(name: string): Topology {
  return readSnapshot(`${FIXTURES}${name}.json`);
}

/** The recorded topology with one instance changed (a copy; the fixture is not touched). */
export function withInstance(topology: Topology, key: string, change: (i: Instance) => void): Topology {
  const instances = structuredClone(topology.instances);
  const target = instances.find((i) => i.key === key);
  if (!target) throw new Error(`${key} is not in the topology`);
  change(target);
  return makeTopology(instances, topology.origin, topology.collectedAt);
}

/** The one cluster of a policy text, which must parse and validate. */
export function policy(text: string): ClusterPolicy {
  const analysis = analyze([{ path: 'cluster.yaml', text }]);
  expect(analysis.readFindings.map((f) => `${f.line}:${f.column} ${f.message}`)).toEqual([]);
  expect(analysis.repo.clusters).toHaveLength(1);
  return analysis.repo.clusters[0]!;
}
