import { defineRule, type Report } from './rule.js';
import { didYouMean } from '../util/suggest.js';
import { secretSpans } from '../policy/hook-secrets.js';
import { hookCommands } from '../policy/hook-commands.js';

/** Placeholders orchestrator replaces in hook commands (prepareCommand). */
export const HOOK_PLACEHOLDERS: readonly string[] = [
  'failureType', 'instanceType', 'isMaster', 'isCoMaster', 'failureDescription', 'command', 'failedHost',
  'failedPort', 'failureCluster', 'failureClusterAlias', 'failureClusterDomain', 'countSlaves', 'countReplicas',
  'isDowntimed', 'autoMasterRecovery', 'autoIntermediateMasterRecovery', 'orchestratorHost', 'recoveryUID',
  'isSuccessful', 'successorHost', 'successorPort', 'successorBinlogCoordinates', 'successorAlias', 'lostSlaves',
  'lostReplicas', 'countLostReplicas', 'slaveHosts', 'replicaHosts',
];

const KNOWN = new Set(HOOK_PLACEHOLDERS);

export default defineRule({
  id: 'unknown-hook-placeholder',
  severity: 'error',
  description: 'A hook command uses a {placeholder} that the failover engines do not replace.',
  scope: 'repo',
  check(repo) {
    const reports: Report[] = [];
    for (const { file, path, event, command } of hookCommands(repo)) {
      const secrets = secretSpans(command);
      // why: `${VAR}` is shell (orchestrator also exports ORC_* variables) and `{}` is find -exec's; neither is a placeholder.
      for (const m of command.matchAll(/(?<!\$)\{([^{}\s$]+)\}/g)) {
        const word = m[1]!;
        if (KNOWN.has(word)) continue;
        // why: braces inside a password are the password (hook-password-literal reports it), never echoed.
        if (secrets.some((s) => m.index < s.end && m.index + m[0].length > s.start)) continue;
        reports.push({
          file,
          path,
          message: `Unknown placeholder {${word}} in a ${event} hook: the engine leaves it in the command literally.${didYouMean(word, KNOWN)}`,
          hint: 'See `succession rules unknown-hook-placeholder` for the placeholders the engines replace.',
        });
      }
    }
    return reports;
  },
});
