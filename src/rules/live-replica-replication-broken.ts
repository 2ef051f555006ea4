import { defineRule } from './rule.js';
import { promotable } from '../policy/candidates.js';
import { failedWithError, stoppedReplication } from '../live/replication.js';

export default defineRule({
  id: 'live-replica-replication-broken',
  severity: 'warning',
  description: 'A host that is not a candidate has stopped replicating: a warning when a thread stopped on an error, info when it was stopped without one.',
  scope: 'live',
  check({ cluster, view }) {
    // why: candidates have live-candidate-replication-broken (an error); every other replica is here.
    const candidates = new Set(promotable(cluster).map((h) => h.key));
    return cluster.hosts.flatMap((h) => {
      const i = view.byKey.get(h.key);
      const r = i?.reachable ? i.replication : undefined;
      if (!r || candidates.has(h.key)) return [];
      const problems = stoppedReplication(r);
      if (problems.length === 0) return [];
      const failed = failedWithError(r);
      const ioDown = r.ioThread === 'no';
      return [
        {
          file: cluster.file,
          path: ['hosts', h.written],
          target: 'key' as const,
          severity: failed ? ('warning' as const) : ('info' as const),
          message: `${h.key} ${failed ? 'has stopped replicating on an error' : 'has replication stopped'}: ${problems.join('; ')}. It falls further behind its source every minute${ioDown ? ' and acknowledges no semi-sync writes' : ''}; a failover leaves it with only what it had applied.`,
          hint: failed ? 'Repair replication on it (or rebuild it) before relying on it.' : 'Start replication again (START SLAVE) when the work that needed it stopped is done.',
        },
      ];
    });
  },
});
