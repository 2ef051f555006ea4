import { defineRule, type Report } from './rule.js';
import { HOOK_NAMES, type ClusterPolicy } from '../policy/model.js';
import type { JsonPath } from '../policy/locate.js';
import { redactSecrets } from '../policy/hook-secrets.js';

interface Setting {
  path: JsonPath;
  orchestratorKey: string;
  value(c: ClusterPolicy): unknown;
  /** The value as messages show it, when that differs (hooks: without passwords). */
  shown?(c: ClusterPolicy): unknown;
}

const ENFORCEMENT_KEYS = 'EnforceExactSemiSyncReplicas / RecoverLockedSemiSyncMaster';

/** Policy settings that orchestrator holds once per deployment, not per cluster. */
export const DEPLOYMENT_SETTINGS: readonly Setting[] = [
  { path: ['antiFlapping', 'recoveryBlockSeconds'], orchestratorKey: 'RecoveryPeriodBlockSeconds', value: (c) => c.antiFlapping.recoveryBlockSeconds },
  { path: ['semiSync', 'lockedMasterSeconds'], orchestratorKey: 'ReasonableLockedSemiSyncMasterSeconds', value: (c) => c.semiSync.lockedMasterSeconds },
  { path: ['semiSync', 'enforcement'], orchestratorKey: ENFORCEMENT_KEYS, value: (c) => c.semiSync.enforcement },
  { path: ['datacenters', 'preventCrossDatacenter'], orchestratorKey: 'PreventCrossDataCenterMasterFailover', value: (c) => c.datacenters.preventCrossDatacenter },
  ...HOOK_NAMES.map((name) => ({
    path: ['hooks', name],
    orchestratorKey: `${name[0]!.toUpperCase()}${name.slice(1)}Processes`,
    value: (c: ClusterPolicy) => c.hooks[name],
    shown: (c: ClusterPolicy) => c.hooks[name].map(redactSecrets),
  })),
];

export default defineRule({
  id: 'deployment-setting-conflict',
  severity: 'error',
  description: 'Clusters of one orchestrator deployment disagree on a setting orchestrator holds once per deployment (timing, semi-sync enforcement, DC fencing, hooks).',
  scope: 'repo',
  check(repo) {
    const byDeployment = new Map<string, ClusterPolicy[]>();
    for (const c of repo.clusters) {
      if (!c.orchestrator) continue;
      const list = byDeployment.get(c.orchestrator.deployment) ?? [];
      list.push(c);
      byDeployment.set(c.orchestrator.deployment, list);
    }
    const reports: Report[] = [];
    for (const [deployment, clusters] of byDeployment) {
      const [reference, ...others] = clusters;
      for (const setting of DEPLOYMENT_SETTINGS) {
        const expected = JSON.stringify(setting.value(reference!));
        const show = (c: ClusterPolicy) => JSON.stringify((setting.shown ?? setting.value)(c));
        for (const c of others) {
          if (JSON.stringify(setting.value(c)) === expected) continue;
          const got = show(c);
          const wanted = show(reference!);
          const origin = c.origin(setting.path);
          const refOrigin = reference!.origin(setting.path);
          reports.push({
            file: origin.file,
            path: origin.path.length > 0 ? origin.path : ['orchestrator', 'deployment'],
            message: `Cluster "${c.name}" sets ${setting.path.join('.')} to ${got} but cluster "${reference!.name}" (${refOrigin.file.path}) of the same orchestrator deployment "${deployment}" sets ${wanted}; orchestrator has one ${setting.orchestratorKey} per deployment.`,
            hint: 'Move the value to the fleet defaults, or give the clusters separate deployments.',
            related: [{ file: refOrigin.file, path: refOrigin.path.length > 0 ? refOrigin.path : ['orchestrator', 'deployment'], message: `"${reference!.name}" sets ${wanted}` }],
          });
        }
      }
    }
    return reports;
  },
});
