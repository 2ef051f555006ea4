import { defineRule } from './rule.js';

export default defineRule({
  id: 'orchestrator-legacy-semi-sync-enforced',
  severity: 'error',
  description: '`lint --orchestrator-config`: SemiSyncEnforced, which no orchestrator version reads as a setting; semi-sync priority comes from DetectSemiSyncEnforcedQuery.',
  scope: 'engine',
  command: 'lint --orchestrator-config',
});
