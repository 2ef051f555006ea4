import { defineRule } from './rule.js';

export default defineRule({
  id: 'live-datacenter-mismatch',
  severity: 'warning',
  description: 'The data center the policy declares for a host differs from the one detected live.',
  scope: 'live',
  check({ cluster, view }) {
    return cluster.hosts.flatMap((h) => {
      const detected = view.byKey.get(h.key)?.dataCenter;
      if (h.dc === undefined || detected === undefined || detected === h.dc) return [];
      return [
        {
          file: cluster.file,
          path: ['hosts', h.written, 'dc'],
          message: `${h.key} is declared in ${h.dc} but detected in ${detected}; DC fencing decides on the detected value.`,
          hint: 'Fix the declaration, or the data center query/pattern that detects it.',
        },
      ];
    });
  },
});
