import { defineRule } from './rule.js';
import { describeOrigin } from '../live/view.js';

export default defineRule({
  id: 'live-host-missing',
  severity: 'error',
  description: 'A host the policy declares is not in the live topology.',
  scope: 'live',
  check({ cluster, topology, view }) {
    return cluster.hosts
      .filter((h) => !view.byKey.has(h.key))
      .map((h) => ({
        file: cluster.file,
        path: ['hosts', h.written],
        target: 'key' as const,
        message: `${h.key} is declared but not in the live topology (${describeOrigin(topology)}).`,
        hint: 'Remove the host from the policy if it was decommissioned, or check its host name and port against what the servers report.',
      }));
  },
});
