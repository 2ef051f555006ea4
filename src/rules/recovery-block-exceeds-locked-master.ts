import { defineRule } from './rule.js';

export default defineRule({
  id: 'recovery-block-exceeds-locked-master',
  severity: 'error',
  description: 'Semi-sync enforcement is on while recoveryBlockSeconds ≥ lockedMasterSeconds: after a failover, the repair of a locked primary waits for the anti-flapping block.',
  scope: 'cluster',
  check(cluster) {
    if (cluster.semiSync.enforcement === 'off') return [];
    const block = cluster.antiFlapping.recoveryBlockSeconds;
    const locked = cluster.semiSync.lockedMasterSeconds;
    if (block < locked) return [];
    const blockOrigin = cluster.origin(['antiFlapping', 'recoveryBlockSeconds']);
    // why: a defaulted block has no line of its own; the enforcement setting is what makes it matter.
    const origin = cluster.anchor([['antiFlapping', 'recoveryBlockSeconds'], ['semiSync', 'enforcement']], ['semiSync']);
    const lockedOrigin = cluster.origin(['semiSync', 'lockedMasterSeconds']);
    const defaulted = blockOrigin.path.length === 0 ? ' (orchestrator default)' : '';
    return [
      {
        file: origin.file,
        path: origin.path,
        message: `recoveryBlockSeconds is ${block}${defaulted}, not below lockedMasterSeconds ${locked}: a failover opens a ${block}s anti-flapping block, and a new primary that locks on semi-sync is detected after ${locked}s but cannot be repaired before the block ends — writes can stall for up to ${block}s instead of ${locked}s (unless rpl_semi_sync_master_timeout gives up first).`,
        hint: `Set antiFlapping.recoveryBlockSeconds below ${locked}, or raise semiSync.lockedMasterSeconds above ${block}.`,
        related: lockedOrigin.path.length > 0 ? [{ ...lockedOrigin, message: 'lockedMasterSeconds set here' }] : undefined,
      },
    ];
  },
});
