import { defineRule } from './rule.js';
import { eachLiveCandidate } from '../live/candidates.js';

export default defineRule({
  id: 'live-candidate-not-direct-replica',
  severity: 'error',
  description: 'A candidate does not replicate directly from the primary; orchestrator only promotes direct replicas of the failed primary.',
  scope: 'live',
  check(ctx) {
    const primary = ctx.view.livePrimary?.key ?? ctx.cluster.primary;
    return eachLiveCandidate(ctx, (host, i) => {
      if (i.key === primary || i.source === primary) return undefined;
      return {
        message: `${host.key} is a candidate but replicates from ${i.source ?? 'nothing'}, not from the primary ${primary}; it cannot take over directly.`,
        hint: `Repoint it under ${primary}, or stop listing it as a candidate.`,
      };
    });
  },
});
