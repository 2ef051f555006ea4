import { defineRule } from './rule.js';

export default defineRule({
  id: 'orchestrator-key-not-in-release',
  severity: 'error',
  description: '`lint --orchestrator-config`: a percona/orchestrator key that the declared release (`--release`) does not read; it ignores it silently.',
  scope: 'engine',
  command: 'lint --orchestrator-config',
});
