import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromClusterControl } from '../../src/topology/clustercontrol.js';

/** An RPC v2 getClusterInfo reply of the documented shape (numbers partly as strings, as cmon writes them). */
const reply = JSON.parse(readFileSync(new URL('./fixtures/cmon-getClusterInfo.json', import.meta.url), 'utf8')) as {
  cluster: { hosts: Record<string, unknown>[] } & Record<string, unknown>;
};

describe('ClusterControl export source', () => {
  const t = fromClusterControl(reply, 'cc.json');
  const by = (n: number) => t.instances.find((i) => i.host === `10.0.0.${n}`)!;

  it('keeps database hosts only (not the controller, not ProxySQL) and reads the edges', () => {
    expect(t.instances.map((i) => [i.key, i.source ?? null])).toEqual([
      ['10.0.0.141:3306', null],
      ['10.0.0.142:3306', '10.0.0.141:3306'],
      ['10.0.0.143:3306', '10.0.0.141:3306'],
      ['10.0.0.144:3306', '10.0.0.142:3306'],
      ['10.0.0.145:3306', '10.0.0.141:3306'],
      ['10.0.0.146:3306', '10.0.0.145:3306'],
      ['10.0.0.147:3306', '10.0.0.143:3306'],
    ]);
    expect(t.origin).toEqual({ kind: 'clustercontrol', detail: 'cc.json#dr' });
    expect(t.collectedAt).toBe('2026-11-24T08:00:00Z');
  });

  it('reads numbers and flags whether cmon wrote them as strings or not', () => {
    expect(by(141)).toMatchObject({ flavor: 'percona', serverId: 141, readOnly: false, superReadOnly: false, logBin: true });
    expect(by(141).version).toEqual({ text: '8.0.36-28', major: 8, minor: 0, patch: 36 });
    expect(by(142)).toMatchObject({ readOnly: true, port: 3306 });
    expect(by(142).replication).toMatchObject({ sourcePort: 3306, sourceServerId: 141, lagSeconds: 0, ioThread: 'yes', sqlThread: 'yes', usingGtid: 'gtid' });
    expect(by(143).replication).toMatchObject({ ioThread: 'connecting', lastIoErrno: 2003, lagSeconds: null });
    expect(by(147).replication).toMatchObject({ sqlDelay: 3600 });
    expect(by(145).replication!.lagSeconds).toBe(3);
  });

  it('reads the semi-sync status of both sides', () => {
    expect(by(141).semiSync).toEqual({ names: 'source/replica', sourceEnabled: true, replicaEnabled: false, sourceStatus: true });
    expect(by(142).semiSync).toMatchObject({ replicaStatus: true, replicaEnabled: true, sourceStatus: false });
  });

  it('reports a failed host as unreachable', () => {
    expect(t.unreachable).toEqual([{ key: '10.0.0.146:3306', error: 'ClusterControl reports CmonHostFailed' }]);
  });

  it('reads s9s node --list --print-json (top-level hosts) the same way', () => {
    const s9s = fromClusterControl({ hosts: reply.cluster.hosts, total: reply.cluster.hosts.length, request_status: 'Ok' }, 's9s.json');
    expect(s9s.instances.map((i) => [i.key, i.source ?? null])).toEqual(t.instances.map((i) => [i.key, i.source ?? null]));
    // Without the cluster's vendor, the version string alone does not say Percona.
    expect(s9s.instances[0]!.flavor).toBe('mysql');
  });

  it('needs a cluster name when getAllClusterInfo holds several clusters', () => {
    const other = { ...reply.cluster, cluster_id: 3, cluster_name: 'shop', hosts: reply.cluster.hosts.slice(1, 3) };
    const all = { clusters: [reply.cluster, other] };
    expect(() => fromClusterControl(all, 'all.json')).toThrow('all.json: the export holds 2 clusters; name one (dr, shop)');
    expect(fromClusterControl(all, 'all.json', { cluster: 'shop' }).instances).toHaveLength(2);
    expect(fromClusterControl(all, 'all.json', { cluster: '2' }).instances).toHaveLength(7);
    expect(() => fromClusterControl(all, 'all.json', { cluster: 'nope' })).toThrow('all.json: no cluster "nope" (clusters: dr, shop)');
  });

  it('rejects what is not an export', () => {
    expect(() => fromClusterControl([], 'x.json')).toThrow('x.json: expected a JSON object from ClusterControl');
    expect(() => fromClusterControl({ cluster: { cluster_name: 'dr' } }, 'x.json')).toThrow(/has no "hosts"/);
    expect(() => fromClusterControl({ hosts: [reply.cluster.hosts[0]] }, 'x.json')).toThrow('x.json: no database hosts in the ClusterControl export');
    expect(() => fromClusterControl({ hosts: [{ class_name: 'CmonMySqlHost', hostname: 'db', port: 'abc' }] }, 'x.json')).toThrow(/without a usable hostname and port/);
  });
});
