import { defineRule } from './rule.js';
import { eachLiveCandidate } from '../live/candidates.js';

export default defineRule({
  id: 'live-candidate-delayed',
  severity: 'error',
  description: 'A candidate is a delayed replica (MASTER_DELAY > 0); promoting it loses the delayed transactions.',
  scope: 'live',
  check(ctx) {
    return eachLiveCandidate(ctx, (host, i) => {
      const delay = i.replication?.sqlDelay ?? 0;
      if (delay <= 0) return undefined;
      return {
        message: `${host.key} is a candidate but applies changes ${delay}s late (SQL_Delay); promoting it would lose up to ${delay}s of writes.`,
        hint: 'Give the host role "delayed" (never promoted), or remove the delay.',
      };
    });
  },
});
