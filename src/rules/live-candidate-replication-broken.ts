import { defineRule } from './rule.js';
import { eachLiveCandidate } from '../live/candidates.js';

export default defineRule({
  id: 'live-candidate-replication-broken',
  severity: 'error',
  description: 'A candidate\'s replication is stopped or failed (IO or SQL thread not running, or an error).',
  scope: 'live',
  check(ctx) {
    return eachLiveCandidate(ctx, (host, i) => {
      const r = i.replication;
      if (!r) return undefined;
      const problems: string[] = [];
      if (r.ioThread !== 'yes') problems.push(`IO thread ${r.ioThread === 'connecting' ? 'still connecting' : 'stopped'}`);
      if (r.sqlThread !== 'yes') problems.push('SQL thread stopped');
      if (r.lastIoErrno) problems.push(`IO error ${r.lastIoErrno}: ${r.lastIoError}`);
      if (r.lastSqlErrno) problems.push(`SQL error ${r.lastSqlErrno}: ${r.lastSqlError}`);
      if (problems.length === 0) return undefined;
      return {
        message: `${host.key} is a candidate but its replication is broken: ${problems.join('; ')}.`,
        hint: 'Repair replication on it; engines skip (or worse, promote) a replica that is not applying changes.',
      };
    });
  },
});
