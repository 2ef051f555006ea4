import { defineRule } from './rule.js';
import { eachLiveCandidate } from '../live/candidates.js';
import { stoppedReplication } from '../live/replication.js';

export default defineRule({
  id: 'live-candidate-replication-broken',
  severity: 'error',
  description: 'A candidate\'s replication is stopped or failed (IO or SQL thread stopped, or an error).',
  scope: 'live',
  check(ctx) {
    // why: an IO thread still connecting is a source the candidate cannot reach, not a stopped
    // stream; live-replica-source-unreachable reports it as that.
    return eachLiveCandidate(ctx, (host, i) => {
      const problems = i.replication ? stoppedReplication(i.replication) : [];
      if (problems.length === 0) return undefined;
      return {
        message: `${host.key} is a candidate but its replication is broken: ${problems.join('; ')}.`,
        hint: 'Repair replication on it; engines skip (or worse, promote) a replica that is not applying changes.',
      };
    });
  },
});
