import { defineRule } from './rule.js';

export default defineRule({
  id: 'live-primary-mismatch',
  severity: 'error',
  description: 'The declared primary is not the live primary.',
  scope: 'live',
  check({ cluster, view }) {
    const live = view.livePrimary;
    if (!live || live.key === cluster.primary) return [];
    return [
      {
        file: cluster.file,
        path: ['primary'],
        message: `The policy declares ${cluster.primary} as the primary, but the live primary is ${live.key}; the policy was written for another topology (a failover happened?).`,
        hint: `Update "primary" to ${live.key} and review the candidates before deploying.`,
      },
    ];
  },
});
