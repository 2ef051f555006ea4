import { defineRule, type Report } from './rule.js';
import { didYouMean } from '../util/suggest.js';
import { HOOK_NAMES } from '../policy/model.js';
import type { SourceFile } from '../policy/source.js';
import type { JsonPath } from '../policy/locate.js';
import { secretSpans } from '../policy/hook-secrets.js';

/** Placeholders orchestrator replaces in hook commands (prepareCommand). */
export const HOOK_PLACEHOLDERS: readonly string[] = [
  'failureType', 'instanceType', 'isMaster', 'isCoMaster', 'failureDescription', 'command', 'failedHost',
  'failedPort', 'failureCluster', 'failureClusterAlias', 'failureClusterDomain', 'countSlaves', 'countReplicas',
  'isDowntimed', 'autoMasterRecovery', 'autoIntermediateMasterRecovery', 'orchestratorHost', 'recoveryUID',
  'isSuccessful', 'successorHost', 'successorPort', 'successorBinlogCoordinates', 'successorAlias', 'lostSlaves',
  'lostReplicas', 'countLostReplicas', 'slaveHosts', 'replicaHosts',
];

const KNOWN = new Set(HOOK_PLACEHOLDERS);

function checkHooks(file: SourceFile, base: JsonPath, hooks: unknown): Report[] {
  if (typeof hooks !== 'object' || hooks === null) return [];
  const reports: Report[] = [];
  for (const name of HOOK_NAMES) {
    const list = (hooks as Record<string, unknown>)[name];
    if (!Array.isArray(list)) continue;
    list.forEach((command, i) => {
      const secrets = secretSpans(String(command));
      // why: `${VAR}` is shell (orchestrator also exports ORC_* variables) and `{}` is find -exec's; neither is a placeholder.
      for (const m of String(command).matchAll(/(?<!\$)\{([^{}\s$]+)\}/g)) {
        const word = m[1]!;
        if (KNOWN.has(word)) continue;
        // why: braces inside a password are the password (hook-password-literal reports it), never echoed.
        if (secrets.some((s) => m.index < s.end && m.index + m[0].length > s.start)) continue;
        reports.push({
          file,
          path: [...base, name, i],
          message: `Unknown placeholder {${word}} in a ${name} hook: the engine leaves it in the command literally.${didYouMean(word, KNOWN)}`,
          hint: 'See `succession rules unknown-hook-placeholder` for the placeholders the engines replace.',
        });
      }
    });
  }
  return reports;
}

export default defineRule({
  id: 'unknown-hook-placeholder',
  severity: 'error',
  description: 'A hook command uses a {placeholder} that the failover engines do not replace.',
  scope: 'repo',
  check(repo) {
    const reports = repo.clusters.flatMap((c) => checkHooks(c.file, ['hooks'], (c.file.data as { hooks?: unknown }).hooks));
    if (repo.fleet) {
      const defaults = (repo.fleet.file.data as { defaults?: { hooks?: unknown } }).defaults;
      reports.push(...checkHooks(repo.fleet.file, ['defaults', 'hooks'], defaults?.hooks));
    }
    return reports;
  },
});
