import { defineRule } from './rule.js';

export default defineRule({
  id: 'orchestrator-password-literal',
  severity: 'warning',
  description: '`lint --orchestrator-config`: a MySQL password written into the config instead of a credentials file or ${ENV_VAR}.',
  scope: 'engine',
  command: 'lint --orchestrator-config',
});
