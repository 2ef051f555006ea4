import { defineRule } from './rule.js';
import { standings, type ExclusionReason } from '../policy/candidates.js';

const REASON_TEXT: Record<ExclusionReason, string> = {
  primary: 'the primary',
  'not-whitelisted': 'not whitelisted',
  blacklisted: 'blacklisted',
  role: 'has a role',
  'must-not': 'promotion must_not',
  'outside-home-dc': 'outside the home data center',
  'not-direct-replica': 'not a direct replica of the primary',
};

function describeExclusions(reasons: ExclusionReason[]): string {
  return reasons.map((r) => REASON_TEXT[r]).join(', ');
}

export default defineRule({
  id: 'no-promotable-candidate',
  severity: 'error',
  description: 'After whitelist, blacklist, roles, must_not and home-DC fencing no host is left to promote: a failover of the primary fails.',
  scope: 'cluster',
  check(cluster) {
    const all = standings(cluster);
    if (all.some((s) => s.reasons.length === 0)) return [];
    const why = all
      .filter((s) => !s.reasons.includes('primary'))
      .map((s) => `${s.host.key} (${describeExclusions(s.reasons)})`)
      .join('; ');
    return [
      {
        file: cluster.file,
        path: cluster.candidates.whitelist ? ['candidates', 'whitelist'] : ['hosts'],
        message: `No host can be promoted if ${cluster.primary} fails${why ? `: ${why}` : ''}.`,
        hint: 'Allow at least two direct replicas of the primary in the home data center.',
      },
    ];
  },
});
