import { defineRule } from './rule.js';

export default defineRule({
  id: 'orchestrator-raft-incomplete',
  severity: 'error',
  description: '`lint --orchestrator-config`: raft enabled without RaftDataDir or RaftBind, or without a way to derive the leader URL; orchestrator refuses to start or to elect.',
  scope: 'engine',
  command: 'lint --orchestrator-config',
});
