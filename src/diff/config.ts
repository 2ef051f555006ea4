import { byCode } from '../compile/artifact.js';
import { cmonEntries } from '../compile/cmon.js';
import { mhaBlocks } from '../compile/mha.js';
import { deploymentPolicy, hostFilter, metaRows, nodeConfig, raftNodes } from '../compile/orchestrator.js';
import { Notes } from '../compile/unexpressed.js';
import type { ClusterPolicy, FleetPolicy } from '../policy/model.js';
import { changes, flatten } from './facts.js';
import type { DeploymentDiff, SettingChange } from './model.js';

// why: the diff compares the settings the compilers produce, not their text; what an engine
// cannot express is lint's business, so the notes collected on the way are dropped.

/** cmon_<id>.cnf as keys; the file name's id is a setting too, so a new clusterId shows. */
function cmonSettings(c: ClusterPolicy | undefined, fleet: FleetPolicy | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!c?.cmon) return out;
  out.set('file', `cmon_${c.cmon.clusterId}.cnf`);
  for (const e of cmonEntries(c, fleet, new Notes('cmon'))) out.set(e.key, e.value);
  return out;
}

/**
 * mha/<cluster>.cnf as keys. Server blocks are named by their host rather than their number (a
 * reordering would otherwise read as every block changing); their order, which MHA uses to break
 * ties between candidates, is a setting of its own.
 */
function mhaSettings(c: ClusterPolicy | undefined, fleet: FleetPolicy | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!c?.mha?.enabled) return out;
  const order: string[] = [];
  for (const block of mhaBlocks(c, fleet, new Notes('MHA'))) {
    const values = new Map(block.lines.map((l) => [l.key, l.value]));
    const name = block.name === 'server default' ? block.name : `server ${values.get('hostname')}:${values.get('port')}`;
    if (block.name !== 'server default') order.push(name.slice('server '.length));
    for (const l of block.lines) if (block.name === 'server default' || (l.key !== 'hostname' && l.key !== 'port')) out.set(`[${name}] ${l.key}`, l.value);
  }
  out.set('server block order', order.join(', '));
  return out;
}

/** The cluster's rows of orchestrator's meta table, by host. */
function metaSettings(c: ClusterPolicy | undefined, fleet: FleetPolicy | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!c?.orchestrator || !fleet?.deployments.has(c.orchestrator.deployment)) return out;
  out.set('deployment', c.orchestrator.deployment);
  for (const r of metaRows(c)) {
    const row = `meta row ${r.host}:${r.port}`;
    out.set(`${row} data_center`, r.dataCenter);
    out.set(`${row} promotion_rule`, r.promotionRule);
    out.set(`${row} semi_sync_priority`, String(r.semiSyncPriority));
  }
  return out;
}

export function configChanges(before: ClusterPolicy | undefined, after: ClusterPolicy | undefined, fleets: { before?: FleetPolicy; after?: FleetPolicy }) {
  return {
    cmon: changes(cmonSettings(before, fleets.before), cmonSettings(after, fleets.after)),
    orchestrator: changes(metaSettings(before, fleets.before), metaSettings(after, fleets.after)),
    mha: changes(mhaSettings(before, fleets.before), mhaSettings(after, fleets.after)),
  };
}

/** Every node config of a deployment as flat keys, by node directory; empty when the deployment does not exist. */
function nodeSettings(name: string, fleet: FleetPolicy | undefined, clusters: readonly ClusterPolicy[]): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  const dep = fleet?.deployments.get(name);
  if (!dep || !fleet) return out;
  const mine = clusters.filter((c) => c.orchestrator?.deployment === name).sort((a, b) => byCode(a.name, b.name));
  const nodes = raftNodes(dep);
  const policy = deploymentPolicy(dep, mine);
  for (const node of nodes) out.set(node.dir, flatten(nodeConfig(dep, node, nodes, fleet, policy), ''));
  return out;
}

/** The node-config key changes of one deployment between two repositories. */
export function deploymentDiff(
  name: string,
  before: { fleet?: FleetPolicy; clusters: readonly ClusterPolicy[] },
  after: { fleet?: FleetPolicy; clusters: readonly ClusterPolicy[] },
): DeploymentDiff | undefined {
  const b = nodeSettings(name, before.fleet, before.clusters);
  const a = nodeSettings(name, after.fleet, after.clusters);
  const nodes: DeploymentDiff['nodes'] = [];
  for (const node of [...new Set([...b.keys(), ...a.keys()])].sort(byCode)) {
    const c: SettingChange[] = changes(b.get(node) ?? new Map(), a.get(node) ?? new Map());
    if (c.length > 0) nodes.push({ node, changes: c });
  }
  if (nodes.length === 0) return undefined;
  const mine = [...before.clusters, ...after.clusters].filter((c) => c.orchestrator?.deployment === name);
  return { name, clusters: reached(nodes.flatMap((n) => n.changes), mine), nodes, nodeCount: Math.max(b.size, a.size) };
}

const CLUSTER_FILTERS = new Set(['RecoverMasterClusterFilters', 'RecoverIntermediateMasterClusterFilters']);

/**
 * The clusters of a deployment (either side) that its node-config changes reach: when only entries
 * of the filter lists come and go, the clusters those entries name (`alias=…`) or whose hosts they
 * are; any other key is the deployment's, and reaches all of them.
 */
function reached(changes: readonly SettingChange[], mine: readonly ClusterPolicy[]): string[] {
  const all = () => [...new Set(mine.map((c) => c.name))].sort(byCode);
  const out = new Set<string>();
  for (const c of changes) {
    if (c.added === undefined || c.removed === undefined) return all();
    const entries = [...c.added, ...c.removed];
    if (CLUSTER_FILTERS.has(c.setting)) for (const e of entries) out.add(e.slice('alias='.length));
    else if (c.setting === 'PromotionIgnoreHostnameFilters') {
      for (const owner of mine) if (metaRows(owner).some((r) => r.promotionRule === 'must_not' && entries.includes(hostFilter(r.host, r.port)))) out.add(owner.name);
    } else return all();
  }
  return [...out].sort(byCode);
}
