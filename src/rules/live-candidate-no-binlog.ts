import { defineRule } from './rule.js';
import { eachLiveCandidate } from '../live/candidates.js';

export default defineRule({
  id: 'live-candidate-no-binlog',
  severity: 'error',
  description: 'A candidate has log_bin or log_replica_updates off; the other replicas could not replicate from it after promotion.',
  scope: 'live',
  check(ctx) {
    return eachLiveCandidate(ctx, (host, i) => {
      const missing = [i.logBin === false ? 'log_bin' : undefined, i.logReplicaUpdates === false ? 'log_replica_updates (log_slave_updates)' : undefined].filter(Boolean);
      if (missing.length === 0) return undefined;
      return {
        message: `${host.key} is a candidate but has ${missing.join(' and ')} off; orchestrator disqualifies it and the other replicas could not follow it.`,
        hint: 'Enable binary logging and log_replica_updates on every candidate.',
      };
    });
  },
});
