import { defineRule } from './rule.js';

export default defineRule({
  id: 'orchestrator-sqlite-without-file',
  severity: 'error',
  description: '`lint --orchestrator-config`: a SQLite backend without SQLite3DataFile; orchestrator refuses to start.',
  scope: 'engine',
  command: 'lint --orchestrator-config',
});
