import { defineRule } from './rule.js';
import { eachLiveCandidate } from '../live/candidates.js';

export default defineRule({
  id: 'live-candidate-lagging',
  severity: 'error',
  description: 'A candidate lags behind its source by more than candidates.maxLagSeconds.',
  scope: 'live',
  check(ctx) {
    const max = ctx.cluster.candidates.maxLagSeconds;
    if (max === undefined) return [];
    return eachLiveCandidate(ctx, (host, i) => {
      const lag = i.replication?.lagSeconds;
      if (lag === null || lag === undefined || lag <= max) return undefined;
      return {
        message: `${host.key} is a candidate but lags ${lag}s behind ${i.source}, more than maxLagSeconds ${max}.`,
        hint: 'Find out why it lags before relying on it for failover.',
      };
    });
  },
});
