/**
 * The conformance scenarios. Each starts from a fresh five-server MariaDB topology (or the
 * variant it names): db1 the primary with semi-sync on, db2 its semi-sync replica, db3 an async
 * replica, db4 a replica of db2, db5 a replica delayed by an hour.
 */
import type mysql from 'mysql2/promise';
import { until, type NodeSpec } from '../live/topology.js';
import type { Scenario, ScenarioContext } from './scenario.js';

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

/** HOSTS with db4 (under db2) able to acknowledge too: two replicas with a priority for a wait count of 2. */
const HOSTS_DB4_ACKS = HOSTS.replace('promotion: prefer_not }', 'promotion: prefer_not, semiSyncPriority: 10 }');

const TIMING = 'antiFlapping: { recoveryBlockSeconds: 5 }\n';

/** FIVE with db5 an ordinary (not delayed) replica in the other data center. */
const FIVE_UNDELAYED: NodeSpec[] = FIVE.map((n) => (n.name === 'db5' ? { name: 'db5', source: 'db1' } : n));
/** FIVE with db3's replica side of semi-sync on (it acknowledges whichever primary it replicates from). */
const FIVE_DB3_ACKS: NodeSpec[] = FIVE.map((n) => (n.name === 'db3' ? { ...n, semiSyncReplica: true } : n));

/** Writes on db1 that db3 applies; returns once db2's SQL thread is behind it. */
async function writesDb2CannotApply(ctx: ScenarioContext): Promise<void> {
  const c = await ctx.topo.admin('db1');
  for (let i = 0; i < 5; i++) await c.query('INSERT INTO app.t VALUES (1000 + ?)', [i]);
  const [[{ pos }]] = (await c.query('SELECT @@gtid_binlog_pos AS pos')) as unknown as [[{ pos: string }]];
  const db3 = await ctx.topo.admin('db3');
  await until('db3 to apply the writes', 30_000, async () => {
    const [[row]] = (await db3.query('SELECT @@gtid_slave_pos AS pos')) as unknown as [[{ pos: string }]];
    return row.pos === pos ? true : undefined;
  });
}

/** A session on db2 holding a write lock on the table replication writes to, so that db2's SQL thread falls behind. */
let lockHolder: mysql.Connection | undefined;

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
  {
    id: 'preferred-lagging',
    title: 'db2 (prefer) lags behind db3: orchestrator promotes db3, then hands over to db2 once it caught up',
    nodes: FIVE,
    policy: HOSTS + TIMING,
    async prepare(ctx) {
      lockHolder = await ctx.topo.admin('db2');
      await lockHolder.query('LOCK TABLES app.t WRITE');
      await writesDb2CannotApply(ctx);
    },
    async during(ctx) {
      // why: MariaDB's STOP SLAVE waits for an SQL thread stuck on a lock; release it once orchestrator asks, as a slow apply would end.
      const db2 = await ctx.topo.admin('db2');
      await until('orchestrator to stop replication on db2', 60_000, async () => {
        const [rows] = await db2.query<mysql.RowDataPacket[]>("SELECT 1 FROM information_schema.PROCESSLIST WHERE INFO LIKE 'stop slave%'");
        return rows.length > 0 ? true : undefined;
      });
      await lockHolder!.query('UNLOCK TABLES');
    },
  },
  {
    id: 'preferred-sql-thread-stopped',
    title: "db2 (prefer) has its SQL thread stopped: orchestrator promotes db3, restarts db2's replication under it, and hands over",
    nodes: FIVE,
    policy: HOSTS + TIMING,
    async prepare(ctx) {
      await (await ctx.topo.admin('db2')).query('STOP SLAVE SQL_THREAD');
      await writesDb2CannotApply(ctx);
    },
  },
  {
    id: 'dc-fence-home-dc',
    title: 'home DC dc1 with the fence, and no dc1 replica allowed: the recovery fails, replication left stopped',
    nodes: FIVE_UNDELAYED,
    policy: `# succession-disable-next-line no-promotable-candidate -- the failover this scenario tests cannot succeed
hosts:
  {db1}: { dc: dc1 }
  {db2}: { dc: dc1, role: backup, semiSyncPriority: 100 }
  {db3}: { dc: dc1, promotion: must_not }
  {db4}: { dc: dc2, source: {db2} }
  {db5}: { dc: dc2, promotion: prefer }
datacenters: { home: dc1, preventCrossDatacenter: true }
${TIMING}`,
  },
  {
    id: 'dc-fence-no-home-dc',
    title: 'the fence without a home DC: orchestrator regroups under db5 in dc2, then vetoes it',
    nodes: FIVE_UNDELAYED,
    policy: `hosts:
  {db1}: { dc: dc1 }
  {db2}: { dc: dc1, role: backup, semiSyncPriority: 100 }
  {db3}: { dc: dc1, promotion: must_not }
  {db4}: { dc: dc2, source: {db2} }
  {db5}: { dc: dc2, promotion: prefer }
datacenters: { preventCrossDatacenter: true }
${TIMING}`,
  },
  {
    id: 'exact-wait-1',
    title: 'semi-sync enforcement exact on MariaDB: nothing enables db3, the new primary db2 waits for an acknowledgement',
    nodes: FIVE,
    policy: `${HOSTS}semiSync: { enforcement: exact, waitForReplicaCount: 1 }\n${TIMING}`,
    checkFindings: ['live-mariadb-semi-sync-enforcement'],
  },
  {
    id: 'exact-wait-2',
    title: 'enforcement exact, wait count 2, db3 already acknowledging: orchestrator leaves it on, writes commit',
    nodes: FIVE_DB3_ACKS,
    policy: `${HOSTS_DB4_ACKS}semiSync: { enforcement: exact, waitForReplicaCount: 2 }\n${TIMING}`,
    checkFindings: ['live-mariadb-semi-sync-enforcement'],
  },
  {
    id: 'recover-locked-wait-1',
    title: 'enforcement recover-locked on MariaDB: nothing enables db3, the new primary db2 waits for an acknowledgement',
    nodes: FIVE,
    policy: `${HOSTS}semiSync: { enforcement: recover-locked, waitForReplicaCount: 1 }\n${TIMING}`,
    checkFindings: ['live-mariadb-semi-sync-enforcement'],
  },
  {
    id: 'recover-locked-wait-2',
    title: 'enforcement recover-locked, wait count 2, db3 already acknowledging: writes commit',
    nodes: FIVE_DB3_ACKS,
    policy: `${HOSTS_DB4_ACKS}semiSync: { enforcement: recover-locked, waitForReplicaCount: 2 }\n${TIMING}`,
    checkFindings: ['live-mariadb-semi-sync-enforcement'],
  },
  {
    id: 'delayed-replica-without-meta',
    title: "db5 may acknowledge by policy (priority 10) but, delayed an hour, has no meta table yet: orchestrator reads it neutral, priority 0, and leaves its semi-sync off",
    nodes: FIVE,
    policy: `${HOSTS.replace('{db5}: { dc: dc2, role: delayed }', '{db5}: { dc: dc2, promotion: prefer_not, semiSyncPriority: 10 }')}${TIMING}`,
    checkFindings: ['live-meta-table-mismatch'],
  },
  {
    id: 'raft-leader-killed',
    title: 'three raft nodes; the leader dies while a 20 s PreFailover hook runs: the new leader waits out the anti-flapping block, then recovers again',
    nodes: FIVE,
    raftNodes: 3,
    policy: `${HOSTS}${TIMING}hooks: { preFailover: ["sleep 20"], seconds: { preFailover: 20 } }\n`,
    bound: 'retry',
    async during(ctx) {
      const leader = await ctx.orchestrator.leader();
      await until('the leader to start the recovery', 60_000, async () => {
        const recoveries = await ctx.orchestrator.api<{ RecoveryEndTimestamp: string }[]>('audit-recovery', leader);
        return Array.isArray(recoveries) && recoveries.some((r) => !r.RecoveryEndTimestamp) ? true : undefined;
      });
      ctx.orchestrator.kill(leader);
    },
  },
  {
    id: 'monitoring-user',
    title: "orchestrator's user may read but not change the servers: it records db2 as promoted, yet db2 stays read-only and the replicas keep pointing at the dead primary",
    nodes: FIVE,
    policy: HOSTS + TIMING,
    user: 'monitor',
    checkFindings: ['live-orchestrator-user-privileges'],
  },
  {
    id: 'intermediate-primary',
    title: "db2 (an intermediate primary) dies: db4 moves under its sibling db3; db1 has lost its only acknowledger",
    nodes: FIVE,
    policy: HOSTS + TIMING,
    fail: 'db2',
  },
];
