import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOrchestrator } from '../../src/topology/orchestrator-api.js';
import { TopologyError, type Topology } from '../../src/topology/model.js';
import { liveProblems } from '../../src/simulate/context.js';
import { freePort } from '../live/topology.js';

/** Recorded `/api/cluster/alias/<alias>` answers of orchestrator 3.2.6 over a MariaDB 10.11 topology. */
const PREFAILOVER = readFileSync(new URL('./fixtures/cluster-prefailover.json', import.meta.url), 'utf8');
const AFTER = readFileSync(new URL('./fixtures/cluster-after.json', import.meta.url), 'utf8');

/** The pre-failover capture with one replica as orchestrator shows a dead one. */
const DEAD_REPLICA = JSON.stringify(
  (JSON.parse(PREFAILOVER) as Record<string, unknown>[]).map((i) =>
    (i.Key as { Port: number }).Port === 25308 ? { ...i, IsLastCheckValid: false, Problems: ['last_check_invalid', 'not_replicating'] } : i,
  ),
);

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function serve(handler: Handler): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/api` };
}

function json(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body);
}

/** An orchestrator node: serves the cluster when it is the leader, answers leader-check like orchestrator. */
function node(leader: boolean, seen: string[], routes = false): Handler {
  return (req, res) => {
    seen.push(req.url ?? '');
    if (req.url === '/api/leader-check') return leader ? json(res, 200, '"OK"') : json(res, 404, '"Not leader"');
    if (req.url === '/api/routed-leader-check') return leader || routes ? json(res, 200, '"OK"') : json(res, 404, '"Not leader"');
    if (req.url === '/api/cluster/alias/shop') return json(res, 200, PREFAILOVER);
    if (req.url === '/api/cluster/alias/after') return json(res, 200, AFTER);
    if (req.url === '/api/cluster/alias/dead') return json(res, 200, DEAD_REPLICA);
    if (req.url === '/api/cluster/alias/broken') return json(res, 500, '{"Code":"ERROR","Message":"Unable to determine cluster name for alias broken","Details":null}');
    if (req.url === '/api/cluster/alias/garbage') return json(res, 200, '[{"Key": {"Hostname": "a", "Port": 1}, ');
    if (req.url === '/api/cluster/alias/html') return json(res, 502, '<html>Bad gateway</html>');
    if (req.url === '/api/cluster/alias/object') return json(res, 200, '{"Code":"OK"}');
    return json(res, 404, '{"Code":"ERROR","Message":"not found"}');
  };
}

describe('orchestrator API source', () => {
  const servers: Server[] = [];
  const seen: string[][] = [[], [], []];
  let follower1: string;
  let follower2: string;
  let leader: string;
  let refused: string;

  beforeAll(async () => {
    const a = await serve(node(false, seen[0]!));
    const b = await serve(node(false, seen[1]!));
    const c = await serve(node(true, seen[2]!));
    servers.push(a.server, b.server, c.server);
    [follower1, follower2, leader] = [a.url, b.url, c.url];
    refused = `http://127.0.0.1:${await freePort()}/api`;
  });
  afterAll(() => {
    for (const s of servers) s.close();
  });

  let shop: Topology;
  it('reads the cluster from the raft leader among several URLs, as orchestrator-client does', async () => {
    shop = await readOrchestrator({ urls: [refused, follower1, `${leader}/`, follower2], cluster: 'shop', timeoutMs: 5000 });
    expect(seen[2]).toEqual(['/api/leader-check', '/api/cluster/alias/shop']);
    expect(seen[0]).toEqual(['/api/leader-check']);
    // Stops at the first leader: the URL after it is never asked.
    expect(seen[1]).toEqual([]);
    expect(shop.origin).toEqual({ kind: 'orchestrator', detail: `${leader}/cluster/alias/shop` });
  });

  it('maps the Instance JSON: keys, edges, nullables, semi-sync, promotion rules, data centers', () => {
    const by = (port: number) => shop.instances.find((i) => i.port === port)!;
    expect(shop.instances.map((i) => [i.key, i.source ?? null])).toEqual([
      ['127.0.0.1:25306', null],
      ['127.0.0.1:25307', '127.0.0.1:25306'],
      ['127.0.0.1:25308', '127.0.0.1:25306'],
      ['127.0.0.1:25309', '127.0.0.1:25307'],
      ['127.0.0.1:25310', '127.0.0.1:25306'],
    ]);
    const primary = by(25306);
    expect(primary).toMatchObject({ reachable: true, flavor: 'mariadb', serverId: 1, readOnly: false, dataCenter: 'dc1', promotionRule: 'neutral', semiSyncPriority: 0 });
    expect(primary.version).toEqual({ text: '10.11.19-MariaDB-0+deb12u1-log', major: 10, minor: 11, patch: 19 });
    expect(primary.replication).toBeUndefined();
    expect(primary.semiSync).toMatchObject({ names: 'master/slave', sourceEnabled: true, sourceStatus: true, clients: 1, replicaEnabled: false });
    // orchestrator reads 0 for MariaDB's missing wait count; the model leaves it out.
    expect(primary.semiSync!.waitForReplicaCount).toBeUndefined();
    expect(by(25307)).toMatchObject({ promotionRule: 'prefer', semiSyncPriority: 100, semiSync: { replicaEnabled: true, replicaStatus: true } });
    expect(by(25307).replication).toMatchObject({ ioThread: 'yes', sqlThread: 'yes', lagSeconds: 0, sqlDelay: 0, usingGtid: 'gtid', hasFilters: false });
    expect(by(25310)).toMatchObject({ promotionRule: 'must_not', dataCenter: 'dc2' });
    expect(by(25310).replication).toMatchObject({ sqlDelay: 3600, lagSeconds: 2 });
    expect(shop.unreachable).toEqual([]);
  });

  it('reads replicas as healthy when the API gives no error numbers, with their applied binlog position and no empty MariaDB GTID set', async () => {
    const shop = await readOrchestrator({ urls: [leader], cluster: 'shop' });
    const replica = shop.instances.find((i) => i.port === 25307)!;
    expect(liveProblems(replica)).toEqual([]);
    expect(replica.replication!.applied).toEqual({ file: 'mysql-bin.000001', position: 1107 });
    // orchestrator leaves ExecutedGtidSet empty on MariaDB: no position is better than "applied nothing".
    expect(replica.gtid).toBeUndefined();
  });

  it('maps {"Int64", "Valid": false} to null, and a master with replicas after a failover', async () => {
    const after = await readOrchestrator({ urls: [leader], cluster: 'after' });
    const top = after.instances.find((i) => i.port === 25307)!;
    expect(top.source).toBeUndefined();
    expect(after.instances.filter((i) => i.source === '127.0.0.1:25307').map((i) => i.port)).toEqual([25308, 25309, 25310]);
    expect(after.instances.find((i) => i.port === 25310)!.replication!.lagSeconds).toBe(104);
  });

  it('an instance whose last check failed is unreachable, its edge kept', async () => {
    const t = await readOrchestrator({ urls: [leader], cluster: 'dead' });
    expect(t.unreachable).toEqual([{ key: '127.0.0.1:25308', error: "orchestrator's last check failed (last_check_invalid, not_replicating)" }]);
    expect(t.instances.find((i) => i.port === 25308)!.source).toBe('127.0.0.1:25306');
  });

  it('a single URL is used as it is, without a leader check', async () => {
    const before = seen[0]!.length;
    await readOrchestrator({ urls: [follower1], cluster: 'shop' });
    expect(seen[0]!.slice(before)).toEqual(['/api/cluster/alias/shop']);
  });

  it('no leader among the URLs: a clear error naming each answer', async () => {
    await expect(readOrchestrator({ urls: [follower1, refused], cluster: 'shop' })).rejects.toThrow(
      new TopologyError(
        `no orchestrator leader found (${follower1}/leader-check: HTTP 404; ${refused}/leader-check: connection refused; ` +
          `${follower1}/routed-leader-check: HTTP 404; ${refused}/routed-leader-check: connection refused)`,
      ),
    );
  });

  it('falls back to a node that routes to the leader, and adds /api to a bare URL', async () => {
    const seen2: string[] = [];
    const router = await serve(node(false, seen2, true));
    servers.push(router.server);
    const bare = router.url.replace(/\/api$/, '/');
    const t = await readOrchestrator({ urls: [follower1, bare], cluster: 'shop' });
    expect(t.origin.detail).toBe(`${router.url}/cluster/alias/shop`);
    expect(seen2).toEqual(['/api/leader-check', '/api/routed-leader-check', '/api/cluster/alias/shop']);
  });

  it('HTTP 500 with an APIResponse: the message of orchestrator', async () => {
    await expect(readOrchestrator({ urls: [leader], cluster: 'broken' })).rejects.toThrow(
      `orchestrator ${leader}/cluster/alias/broken: HTTP 500: Unable to determine cluster name for alias broken`,
    );
  });

  it('invalid JSON, HTML error pages and a non-list answer are clear errors', async () => {
    await expect(readOrchestrator({ urls: [leader], cluster: 'garbage' })).rejects.toThrow(/^orchestrator .*\/cluster\/alias\/garbage returned invalid JSON: /);
    await expect(readOrchestrator({ urls: [leader], cluster: 'html' })).rejects.toThrow(/returned invalid JSON \(HTTP 502\)/);
    await expect(readOrchestrator({ urls: [leader], cluster: 'object' })).rejects.toThrow(/expected a list of instances, got an object/);
  });

  it('HTTP basic auth from user:password@ in the URL or from options; credentials never shown', async () => {
    const expected = `Basic ${Buffer.from('orc:S3cret pw').toString('base64')}`;
    const guarded = await serve((req, res) => {
      if (req.headers.authorization !== expected) return json(res, 401, '{"Code":"ERROR","Message":"Unauthorized"}');
      return node(true, [])(req, res);
    });
    servers.push(guarded.server);
    const withCreds = guarded.url.replace('http://', 'http://orc:S3cret%20pw@');
    expect((await readOrchestrator({ urls: [withCreds], cluster: 'shop' })).origin.detail).toBe(`${guarded.url}/cluster/alias/shop`);
    expect((await readOrchestrator({ urls: [follower1, guarded.url], cluster: 'shop', auth: { user: 'orc', password: 'S3cret pw' } })).instances).toHaveLength(5);
    const wrong = guarded.url.replace('http://', 'http://orc:Wr0ng@');
    const message = (p: Promise<unknown>): Promise<string> => p.then(() => '', (e: Error) => e.message);
    expect(await message(readOrchestrator({ urls: [wrong], cluster: 'shop' }))).toBe(`orchestrator ${guarded.url}/cluster/alias/shop: HTTP 401: Unauthorized`);
    expect(await message(readOrchestrator({ urls: ['http://orc:Wr0ng@[bad'], cluster: 'shop' }))).toBe('"http://***@[bad" is not a URL');
  });

  it('a server that never answers times out', async () => {
    const silent = await serve(() => undefined);
    servers.push(silent.server);
    await expect(readOrchestrator({ urls: [silent.url], cluster: 'shop', timeoutMs: 300 })).rejects.toThrow(/no answer \(timeout\)/);
    silent.server.closeAllConnections();
  });
});
