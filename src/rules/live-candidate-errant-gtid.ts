import { defineRule } from './rule.js';
import { eachLiveCandidate } from '../live/candidates.js';
import { errantGtids } from '../live/gtid.js';

export default defineRule({
  id: 'live-candidate-errant-gtid',
  severity: 'error',
  description: 'A candidate executed transactions the primary never had (errant GTIDs); promoting it replays them on every replica.',
  scope: 'live',
  check(ctx) {
    const primary = ctx.view.livePrimary;
    if (!primary?.reachable) return [];
    return eachLiveCandidate(ctx, (host, i) => {
      if (i.key === primary.key) return undefined;
      const errant = errantGtids(i, primary);
      if (!errant) return undefined;
      return {
        message: `${host.key} is a candidate but has GTIDs the primary ${primary.key} does not: ${errant}.`,
        hint: 'Find where those transactions came from; inject empty transactions on the primary for them, or rebuild the replica.',
      };
    });
  },
});
