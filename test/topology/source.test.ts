import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTopology } from '../../src/topology/source.js';
import { formatSnapshot } from '../../src/topology/snapshot.js';
import { makeTopology } from '../../src/topology/model.js';
import { freePort } from '../live/topology.js';

const CC = readFileSync(new URL('./fixtures/cmon-getClusterInfo.json', import.meta.url), 'utf8');
const ORC = readFileSync(new URL('./fixtures/cluster-prefailover.json', import.meta.url), 'utf8');

describe('loadTopology', () => {
  let dir: string;
  let server: Server;
  let api: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'succession-src-'));
    server = createServer((req, res) => {
      res.writeHead(req.url === '/api/cluster/alias/shop' ? 200 : 404, { 'content-type': 'application/json' });
      res.end(req.url === '/api/cluster/alias/shop' ? ORC : '{"Code":"ERROR","Message":"no such alias"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    api = `http://127.0.0.1:${(server.address() as { port: number }).port}/api`;
  });
  afterAll(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const file = (name: string, text: string): string => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  it('reads a snapshot file', async () => {
    const t = makeTopology([{ key: 'a:1', host: 'a', port: 1, reachable: true }], { kind: 'mysql', detail: 'mysql://a:1' });
    expect(await loadTopology(file('snap.json', formatSnapshot(t)))).toEqual(t);
  });

  it('reads the recorded discovery of the live-test MariaDB topology (fixtures/mariadb-snapshot.json)', async () => {
    const t = await loadTopology(fileURLToPath(new URL('./fixtures/mariadb-snapshot.json', import.meta.url)));
    expect(t.instances.map((i) => [i.key, i.source ?? null, i.dataCenter])).toEqual([
      ['127.0.0.1:23306', null, 'dc1'],
      ['127.0.0.1:23307', '127.0.0.1:23306', 'dc1'],
      ['127.0.0.1:23308', '127.0.0.1:23306', 'dc1'],
      ['127.0.0.1:23309', '127.0.0.1:23308', 'dc2'],
      ['127.0.0.1:23310', '127.0.0.1:23306', 'dc2'],
    ]);
    expect(t.instances[0]!.semiSync).toMatchObject({ sourceEnabled: true, sourceStatus: true, clients: 1 });
    expect(t.instances[1]!.semiSync).toMatchObject({ replicaEnabled: true, replicaStatus: true });
    expect(t.instances[4]!.replication!.sqlDelay).toBe(3600);
    expect(t.instances.every((i) => i.flavor === 'mariadb' && i.version?.major === 10)).toBe(true);
  });

  it('reads a ClusterControl export, told apart by its content', async () => {
    const t = await loadTopology(file('cc.json', CC));
    expect(t.origin.kind).toBe('clustercontrol');
    expect(t.instances).toHaveLength(7);
  });

  it('reads orchestrator from an http URL with the cluster alias', async () => {
    const t = await loadTopology(api, { cluster: 'shop' });
    expect(t.origin).toEqual({ kind: 'orchestrator', detail: `${api}/cluster/alias/shop` });
    expect(t.instances).toHaveLength(5);
    await expect(loadTopology(api)).rejects.toThrow('reading orchestrator needs the cluster alias');
    await expect(loadTopology(api, { cluster: 'nope' })).rejects.toThrow('HTTP 404: no such alias');
    await expect(loadTopology(`${api},ftp://x`, { cluster: 'shop' })).rejects.toThrow('"ftp://x" is not an http(s) URL');
  });

  it('discovers from mysql:// seeds and reports what it cannot reach', async () => {
    const port = await freePort();
    const t = await loadTopology(`mysql://127.0.0.1:${port}`, { mysql: { credentials: { user: 'topo', password: 'pw' }, connectTimeoutMs: 1000 } });
    expect(t.unreachable).toEqual([{ key: `127.0.0.1:${port}`, error: 'connection refused' }]);
    expect(t.origin).toEqual({ kind: 'mysql', detail: `mysql://127.0.0.1:${port}` });
    await expect(loadTopology('mysql://127.0.0.1:3306')).rejects.toThrow('no credentials given');
    await expect(loadTopology('mysql://h:0', { mysql: { credentials: { user: 'u' } } })).rejects.toThrow('invalid seed "h:0"');
  });

  it('rejects files that are neither, with positions for syntax errors', async () => {
    await expect(loadTopology(file('other.json', '{"name": "x"}'))).rejects.toThrow(/neither a succession snapshot .* nor a ClusterControl export/);
    await expect(loadTopology(file('broken.json', '{\n  "format": 1,\n  "instances": [\n'))).rejects.toThrow(/broken\.json:\d+:\d+: /);
    await expect(loadTopology(join(dir, 'missing.json'))).rejects.toThrow(/cannot read topology .*missing\.json: no such file or directory/);
  });
});
