import { defineRule } from './rule.js';
import { eachLiveCandidate } from '../live/candidates.js';

export default defineRule({
  id: 'live-candidate-newer-version',
  severity: 'error',
  description: 'A candidate runs a newer major or minor version than a replica that would have to replicate from it.',
  scope: 'live',
  check(ctx) {
    const primary = ctx.view.livePrimary?.key ?? ctx.cluster.primary;
    const followers = ctx.view.component.filter((i) => i.reachable && i.version && i.source === primary);
    return eachLiveCandidate(ctx, (host, i) => {
      const v = i.version;
      if (!v) return undefined;
      const older = followers.filter(
        (f) => f.key !== i.key && (f.version!.major < v.major || (f.version!.major === v.major && f.version!.minor < v.minor)),
      );
      if (older.length === 0) return undefined;
      const list = older.map((f) => `${f.key} (${f.version!.major}.${f.version!.minor})`).join(', ');
      return {
        message: `${host.key} runs ${v.major}.${v.minor}, newer than ${list}, which would have to replicate from it after a failover; replication from a newer to an older version is not supported.`,
        hint: 'Upgrade the replicas first, or prefer a candidate on the oldest version.',
      };
    });
  },
});
