/**
 * The conformance scenarios. Each starts from a fresh five-server MariaDB topology (or the
 * variant it names): db1 the primary with semi-sync on, db2 its semi-sync replica, db3 an async
 * replica, db4 a replica of db2, db5 a replica delayed by an hour.
 */
import type { NodeSpec } from '../live/topology.js';
import type { Scenario } from './scenario.js';

export const FIVE: NodeSpec[] = [
  { name: 'db1', semiSyncSource: true },
  { name: 'db2', source: 'db1', semiSyncReplica: true },
  { name: 'db3', source: 'db1' },
  { name: 'db4', source: 'db2' },
  { name: 'db5', source: 'db1', delay: 3600 },
];

const HOSTS = `hosts:
  {db1}: { dc: dc1 }
  {db2}: { dc: dc1, promotion: prefer, semiSyncPriority: 100 }
  {db3}: { dc: dc1, semiSyncPriority: 50 }
  {db4}: { dc: dc2, source: {db2}, promotion: prefer_not }
  {db5}: { dc: dc2, role: delayed }
`;

const TIMING = 'antiFlapping: { recoveryBlockSeconds: 5 }\n';

export const SCENARIOS: Scenario[] = [
  {
    id: 'positions-tied',
    title: 'db2 and db3 applied the same position; the promotion rule (db2 prefer) decides',
    nodes: FIVE,
    policy: HOSTS + TIMING,
  },
  {
    id: 'whitelist-without-semi-sync-replica',
    title: 'the whitelist names only db3: db2, the semi-sync replica, reads must_not',
    nodes: FIVE,
    policy: `${HOSTS}candidates: { whitelist: [{db3}] }\n${TIMING}`,
  },
];
