import { defineRule } from './rule.js';

export default defineRule({
  id: 'orchestrator-recovery-block-minutes-ignored',
  severity: 'warning',
  description: '`lint --orchestrator-config`: RecoveryPeriodBlockMinutes, which orchestrator ignores while RecoveryPeriodBlockSeconds is non-zero (its default is 3600).',
  scope: 'engine',
  command: 'lint --orchestrator-config',
});
