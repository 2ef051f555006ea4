import type { JsonPath } from '../policy/locate.js';
import { HOOK_NAMES, type ClusterPolicy, type FleetPolicy } from '../policy/model.js';
import type { SettingChange } from './model.js';

/** One resolved setting: where it is in the policy (for its origin), how it is shown, its value. */
export interface Fact {
  path: JsonPath;
  setting: string;
  value: string;
}

const list = (values: readonly string[]) => values.join(', ');

/**
 * A cluster's resolved policy as flat settings, in a stable order: what the engines are compiled
 * and simulated from. Two clusters with the same facts (and the same fleet facts) behave alike.
 */
export function clusterFacts(c: ClusterPolicy): Fact[] {
  const out: Fact[] = [];
  const add = (path: JsonPath, value: unknown, setting = path.join('.')) => {
    if (value !== undefined) out.push({ path, setting, value: String(value) });
  };
  add(['description'], c.description);
  add(['primary'], c.primary);
  add(['flavor'], c.flavor);
  add(['cmon', 'clusterId'], c.cmon?.clusterId);
  add(['cmon', 'autoRecovery', 'cluster'], c.cmon?.autoRecovery.cluster);
  add(['cmon', 'autoRecovery', 'node'], c.cmon?.autoRecovery.node);
  add(['orchestrator', 'deployment'], c.orchestrator?.deployment);
  add(['mha', 'enabled'], c.mha?.enabled);
  add(['mha', 'managerWorkdir'], c.mha?.managerWorkdir);
  add(['datacenters', 'home'], c.datacenters.home);
  add(['datacenters', 'preventCrossDatacenter'], c.datacenters.preventCrossDatacenter);
  for (const h of [...c.hosts].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    const host = (field: string, value: unknown) => add(['hosts', h.written, field], value, `hosts.${h.key}.${field}`);
    host('dc', h.dc);
    host('role', h.role);
    host('promotion', h.promotion);
    host('semiSyncPriority', h.semiSyncPriority);
    host('source', h.source);
  }
  if (c.candidates.whitelist) add(['candidates', 'whitelist'], list(c.candidates.whitelist.map((r) => r.key ?? r.written)));
  add(['candidates', 'blacklist'], list(c.candidates.blacklist.map((r) => r.key ?? r.written)));
  add(['candidates', 'maxLagSeconds'], c.candidates.maxLagSeconds);
  add(['semiSync', 'waitForReplicaCount'], c.semiSync.waitForReplicaCount);
  add(['semiSync', 'enforcement'], c.semiSync.enforcement);
  add(['semiSync', 'lockedMasterSeconds'], c.semiSync.lockedMasterSeconds);
  add(['antiFlapping', 'recoveryBlockSeconds'], c.antiFlapping.recoveryBlockSeconds);
  for (const name of HOOK_NAMES) if (c.hooks[name].length > 0) add(['hooks', name], JSON.stringify(c.hooks[name]));
  for (const name of HOOK_NAMES) add(['hooks', 'seconds', name], c.hookSeconds[name]);
  return out;
}

/** Any JSON-like value as flat `a.b.c` settings; arrays are one value. */
export function flatten(value: unknown, prefix: string, out: Map<string, string> = new Map()): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const k of Object.keys(value).sort()) flatten((value as Record<string, unknown>)[k], prefix === '' ? k : `${prefix}.${k}`, out);
  } else if (value !== undefined) {
    out.set(prefix, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return out;
}

/**
 * What a cluster's behaviour depends on besides its own policy: its orchestrator deployment and
 * the fleet's cmon and MHA settings (only those it uses), and the default port.
 */
export function fleetInputs(c: ClusterPolicy, fleet: FleetPolicy | undefined): string {
  if (!fleet) return '';
  const dep = c.orchestrator ? fleet.deployments.get(c.orchestrator.deployment) : undefined;
  const { path: _path, ...deployment } = dep ?? { path: [] };
  return JSON.stringify([fleet.defaultPort, dep ? deployment : null, c.cmon ? fleet.cmon : null, c.mha?.enabled ? fleet.mha : null]);
}

/** The fingerprint of everything a cluster's generated configs and simulations are made from. */
export function fingerprint(c: ClusterPolicy, fleet: FleetPolicy | undefined): string {
  return JSON.stringify([clusterFacts(c).map((f) => [f.setting, f.value]), fleetInputs(c, fleet)]);
}

function stringList(value: string): string[] | undefined {
  if (!value.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) && parsed.every((v) => typeof v === 'string') ? parsed : undefined;
  } catch {
    // why: a policy text may start with "[" without being a list (a description, a cmon value).
    return undefined;
  }
}

/**
 * A changed value; a list (a JSON array of strings, as flatten writes it) that gains or loses
 * entries is given as the entries added and removed: a filter list of a deployment can hold
 * thousands of hosts, of which a change touches one.
 */
function change(setting: string, b: string, a: string): SettingChange {
  const [was, is] = [stringList(b), stringList(a)];
  if (!was || !is) return { setting, before: b, after: a };
  const added = is.filter((v) => !was.includes(v));
  const removed = was.filter((v) => !is.includes(v));
  return added.length + removed.length === 0 ? { setting, before: b, after: a } : { setting, added, removed };
}

/** Setting-level differences of two flat maps, in the order of `before` then new settings of `after`. */
export function changes(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): SettingChange[] {
  const out: SettingChange[] = [];
  for (const [setting, b] of before) {
    const a = after.get(setting);
    if (a !== b) out.push(a === undefined ? { setting, before: b } : change(setting, b, a));
  }
  for (const [setting, a] of after) if (!before.has(setting)) out.push({ setting, after: a });
  return out;
}
