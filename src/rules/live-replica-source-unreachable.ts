import { defineRule } from './rule.js';
import { promotable } from '../policy/candidates.js';
import { sourceUnreachable } from '../live/replication.js';

export default defineRule({
  id: 'live-replica-source-unreachable',
  severity: 'error',
  description: 'A replica\'s IO thread cannot connect to its source (still connecting, or gave up on a connection error); an error for a candidate, a warning for any other host.',
  scope: 'live',
  check({ cluster, view }) {
    const candidates = new Set(promotable(cluster).map((h) => h.key));
    return cluster.hosts.flatMap((h) => {
      const i = view.byKey.get(h.key);
      const why = i?.reachable ? sourceUnreachable(i, view.byKey) : undefined;
      if (!why) return [];
      const candidate = candidates.has(h.key);
      return [
        {
          file: cluster.file,
          path: ['hosts', h.written],
          target: 'key' as const,
          severity: candidate ? ('error' as const) : ('warning' as const),
          message: `${h.key} cannot reach its source: ${why}. It receives no new transactions${candidate ? ', so as a candidate it is not fit for promotion: it would come up without everything written since it lost the connection' : ' and acknowledges no semi-sync writes'}.`,
          hint: 'Check that the source is up, that this host can reach its port, and that the replication user may log in from it (the IO error says which).',
        },
      ];
    });
  },
});
