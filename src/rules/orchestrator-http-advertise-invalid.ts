import { defineRule } from './rule.js';

export default defineRule({
  id: 'orchestrator-http-advertise-invalid',
  severity: 'error',
  description: '`lint --orchestrator-config`: HTTPAdvertise without scheme, host or port, or with a path; orchestrator refuses to start.',
  scope: 'engine',
  command: 'lint --orchestrator-config',
});
