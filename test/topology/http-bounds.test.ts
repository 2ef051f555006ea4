import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_REDIRECTS, MAX_RESPONSE_BYTES, redactSecrets } from '../../src/topology/http.js';
import { readOrchestrator } from '../../src/topology/orchestrator-api.js';
import { loadTopology } from '../../src/topology/source.js';

const CLUSTER = readFileSync(new URL('./fixtures/cluster-prefailover.json', import.meta.url), 'utf8');

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const servers: Server[] = [];

async function serve(handler: Handler, host = '127.0.0.1'): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, host, () => r()));
  return `http://${host}:${(server.address() as { port: number }).port}`;
}

afterAll(() => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
});

const failure = (p: Promise<unknown>): Promise<string> => p.then(() => 'no error', (e: Error) => e.message);

/** Streams `total` bytes of a JSON list that never ends in time, without holding them in memory. */
function endless(res: ServerResponse, total: number, declare: boolean): void {
  res.writeHead(200, { 'content-type': 'application/json', ...(declare ? { 'content-length': String(total) } : {}) });
  const chunk = Buffer.alloc(64 * 1024, ' ');
  let sent = 0;
  const pump = () => {
    while (sent < total) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    res.end();
  };
  res.write('[');
  pump();
}

describe('HTTP topology sources: bounded size, time and redirects', () => {
  it('a 100 MB answer is refused while it streams, with or without Content-Length', async () => {
    let aborted = 0;
    for (const declare of [true, false]) {
      const base = await serve((req, res) => {
        res.on('close', () => (aborted += res.writableFinished ? 0 : 1));
        endless(res, 100 * 1024 * 1024, declare);
      });
      const started = Date.now();
      expect(await failure(readOrchestrator({ urls: [`${base}/api`], cluster: 'shop' }))).toBe(
        `orchestrator ${base}/api/cluster/alias/shop: response larger than ${MAX_RESPONSE_BYTES / 1024 / 1024} MiB, the limit for an HTTP answer`,
      );
      expect(Date.now() - started).toBeLessThan(5000);
    }
    await new Promise((r) => setTimeout(r, 100));
    expect(aborted).toBe(2);
  });

  it('an answer just under the limit is read', async () => {
    const padded = CLUSTER + ' '.repeat(MAX_RESPONSE_BYTES - Buffer.byteLength(CLUSTER));
    const base = await serve((_req, res) => res.end(padded));
    expect((await readOrchestrator({ urls: [`${base}/api`], cluster: 'shop' })).instances).toHaveLength(5);
  });

  it('a body that drips slower than the deadline times out', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(200);
      res.write('[');
      const t = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(t));
    });
    const started = Date.now();
    expect(await failure(readOrchestrator({ urls: [`${base}/api`], cluster: 'shop', timeoutMs: 500 }))).toMatch(/no answer \(timeout\)/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a redirect to another origin is refused and named; the other host never sees the credentials', async () => {
    const seen: (string | undefined)[] = [];
    const elsewhere = await serve((req, res) => {
      seen.push(req.headers.authorization);
      res.end(CLUSTER);
    });
    const base = await serve((req, res) => {
      res.writeHead(302, { location: `${elsewhere}${req.url}` });
      res.end();
    });
    const message = await failure(readOrchestrator({ urls: [`${base}/api`], cluster: 'shop', auth: { user: 'orc', password: 'Pa55word' } }));
    expect(message).toBe(`orchestrator ${base}/api/cluster/alias/shop: HTTP 302 redirects to another origin (${elsewhere}/api/cluster/alias/shop); not followed, the request carries credentials — give that URL instead`);
    expect(seen).toEqual([]);
  });

  it('a redirect within the origin is followed, with the credentials, a bounded number of times', async () => {
    const auth: (string | undefined)[] = [];
    const base = await serve((req, res) => {
      auth.push(req.headers.authorization);
      if (req.url === '/api/cluster/alias/shop') return void res.writeHead(301, { location: '/v2/api/cluster/alias/shop' }).end();
      if (req.url === '/v2/api/cluster/alias/shop') return void res.end(CLUSTER);
      const n = Number(/loop(\d+)/.exec(req.url ?? '')?.[1] ?? 0);
      res.writeHead(307, { location: `/api/cluster/alias/loop${n + 1}` }).end();
    });
    expect((await readOrchestrator({ urls: [`${base}/api`], cluster: 'shop', auth: { user: 'orc', password: 'pw' } })).instances).toHaveLength(5);
    expect(new Set(auth)).toEqual(new Set([`Basic ${Buffer.from('orc:pw').toString('base64')}`]));
    expect(await failure(readOrchestrator({ urls: [`${base}/api`], cluster: 'loop0' }))).toBe(`orchestrator ${base}/api/cluster/alias/loop${MAX_REDIRECTS}: more than ${MAX_REDIRECTS} redirects`);
  });

  it('a redirect during the leader check is refused the same way', async () => {
    const elsewhere = await serve((_req, res) => res.end('"OK"'));
    const a = await serve((req, res) => void res.writeHead(302, { location: `${elsewhere}${req.url}` }).end());
    const b = await serve((_req, res) => void res.writeHead(404).end('"Not leader"'));
    const message = await failure(readOrchestrator({ urls: [`${a}/api`, `${b}/api`], cluster: 'shop' }));
    expect(message).toContain(`${a}/api/leader-check: HTTP 302 redirects to another origin`);
    expect(message).toMatch(/^no orchestrator leader found/);
  });

  it('credentials echoed in an error body, in a URL or as an Authorization header are never shown', async () => {
    const base = await serve((req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ Code: 'ERROR', Message: `denied: Authorization: ${req.headers.authorization} for http://orc:T0psecret!@x/ (password T0psecret!, user orc:T0psecret!)` }));
    });
    const withCreds = base.replace('http://', 'http://orc:T0psecret%21@');
    for (const opts of [{ urls: [`${withCreds}/api`] }, { urls: [`${base}/api`], auth: { user: 'orc', password: 'T0psecret!' } }]) {
      const message = await failure(readOrchestrator({ ...opts, cluster: 'shop' }));
      expect(message).toMatch(/HTTP 500: denied/);
      for (const secret of ['T0psecret', Buffer.from('orc:T0psecret!').toString('base64'), 'T0psecret%21']) expect(message).not.toContain(secret);
    }
    const timeout = await failure(loadTopology('http://orc:T0psecret@127.0.0.1:1/api', {}));
    expect(timeout).not.toContain('T0psecret');
    expect(await failure(loadTopology('mysql://root:T0psecret@127.0.0.1:3306', { mysql: { credentials: { user: 'root', password: '' } } as never }))).not.toContain('T0psecret');
  });

  it('redactSecrets: URL userinfo, Authorization values and the given secrets', () => {
    expect(redactSecrets('GET https://u:p%40ss@h:1/x failed')).toBe('GET https://***@h:1/x failed');
    expect(redactSecrets('authorization: Basic dXNlcjpwdw== rejected')).toBe('authorization: *** rejected');
    expect(redactSecrets('{"Authorization":"Bearer abc.def"}')).toBe('{"Authorization":"***"}');
    expect(redactSecrets('the password is hunter2, hunter2!', ['hunter2'])).toBe('the password is ***, ***!');
    expect(redactSecrets('nothing to hide at host:3306')).toBe('nothing to hide at host:3306');
  });
});
