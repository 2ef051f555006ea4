import { defineRule } from './rule.js';
import { promotable } from '../policy/candidates.js';

export default defineRule({
  id: 'live-host-unreachable',
  severity: 'error',
  description: 'A host of the cluster could not be read; an error for a candidate, a warning for any other host.',
  scope: 'live',
  check({ cluster, view }) {
    const candidates = new Set(promotable(cluster).map((h) => h.key));
    return cluster.hosts.flatMap((h) => {
      const i = view.byKey.get(h.key);
      if (!i || i.reachable) return [];
      const candidate = candidates.has(h.key);
      return [
        {
          file: cluster.file,
          path: ['hosts', h.written],
          target: 'key' as const,
          severity: candidate ? ('error' as const) : ('warning' as const),
          message: `${h.key} could not be read (${i.error ?? 'unreachable'})${candidate ? '; it is a candidate, so nobody can tell whether it is fit for promotion' : ''}.`,
        },
      ];
    });
  },
});
