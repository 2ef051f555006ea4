import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, ROOT, STACK_FRAME, tempDir } from './helpers.js';

/**
 * Input that is too big, too slow, not UTF-8, or holds what YAML forbids: refused with a
 * position, exit 2 (or a syntax finding, exit 1), within seconds; nothing generated from it.
 */

let dir: { path: string; remove: () => void };
beforeEach(() => {
  dir = tempDir('input-content');
  cpSync(join(ROOT, 'policies'), join(dir.path, 'p'), { recursive: true });
});
afterEach(() => dir.remove());

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function cli(args: string[], input: string | Buffer = ''): Result {
  const started = Date.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir.path, encoding: 'utf8', input, timeout: 30_000 });
  // why: the CLI stops reading standard input past the limit, so writing the rest of it fails.
  if (!(r.error && (r.error as NodeJS.ErrnoException).code === 'EPIPE')) expect(r.error).toBeUndefined();
  expect(r.stderr).not.toMatch(STACK_FRAME);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}

/** The CLI run without blocking this process, which serves HTTP to it meanwhile. */
function cliAsync(args: string[]): Promise<Result> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir.path, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (status) => resolve({ status, stdout, stderr, ms: Date.now() - started }));
  });
}

const SHOP = 'p/clusters/shop.yaml';
const shop = () => readFileSync(join(dir.path, SHOP));
const put = (path: string, bytes: Buffer | string) => writeFileSync(join(dir.path, path), bytes);
/** The shop policy with `bytes` in place of the first occurrence of `marker`. */
function shopWith(marker: string, bytes: Buffer): Buffer {
  const text = shop();
  const at = text.indexOf(marker);
  expect(at).toBeGreaterThan(0);
  return Buffer.concat([text.subarray(0, at), bytes, text.subarray(at + marker.length)]);
}
/** line:column (1-based, in characters) of the first occurrence of `marker` in the shop policy. */
function positionOf(marker: string): string {
  const text = shop().toString('utf8');
  const before = text.slice(0, text.indexOf(marker));
  return `${before.split('\n').length}:${before.length - before.lastIndexOf('\n')}`;
}

describe('size bounds', () => {
  it('a 50 MiB policy is refused within seconds, whatever command reads it', () => {
    put('p/clusters/huge.yaml', Buffer.concat([shop(), Buffer.alloc(50 * 1024 * 1024, '# padding\n')]));
    for (const args of [['lint', 'p'], ['build', 'p', '--out', 'out'], ['check', 'p', '--topology', 'p/topology.json']]) {
      const r = cli(args);
      expect(r.stderr, args.join(' ')).toBe('succession: cannot read p/clusters/huge.yaml: larger than 4 MiB, the limit for an input file\n');
      expect(r.status).toBe(2);
      expect(r.ms).toBeLessThan(10_000);
    }
    expect(existsSync(join(dir.path, 'out'))).toBe(false);
  });

  it('a policy just under the limit is read', () => {
    const text = shop();
    put(SHOP, Buffer.concat([text, Buffer.alloc(4 * 1024 * 1024 - text.length - 1, '#'), Buffer.from('\n')]));
    const r = cli(['lint', 'p']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('standard input, a fleet file and a topology snapshot have the same limit', () => {
    const big = Buffer.alloc(5 * 1024 * 1024, '# padding\n');
    let r = cli(['lint', '-', '--stdin-filename', 'in.yaml'], big);
    expect(r.stderr).toBe('succession: cannot read in.yaml: larger than 4 MiB, the limit for an input file\n');
    expect(r.status).toBe(2);
    put('big-fleet.yaml', big);
    r = cli(['lint', 'p/clusters', '--fleet', 'big-fleet.yaml']);
    expect(r.stderr).toBe('succession: cannot read big-fleet.yaml: larger than 4 MiB, the limit for an input file\n');
    put('big.json', big);
    r = cli(['check', 'p', '--topology', 'big.json']);
    expect(r.stderr).toBe('succession: cannot read topology big.json: larger than 4 MiB, the limit for an input file\n');
    expect(r.status).toBe(2);
  });
});

describe('orchestrator over HTTP, bounded', () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.closeAllConnections();
    server?.close();
  });
  async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
    server = createServer(handler);
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    return `127.0.0.1:${(server.address() as { port: number }).port}`;
  }

  it('a 100 MB answer: exit 2 within seconds, the server sees the connection closed', async () => {
    let closedEarly = false;
    const host = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(1024 * 1024, ' ');
      let sent = 0;
      res.on('close', () => (closedEarly = sent < 100));
      const pump = () => {
        while (sent < 100) {
          sent++;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    const r = await cliAsync(['check', 'p', '--topology', `http://${host}/api`]);
    expect(r.stderr).toMatch(new RegExp(`^succession: orchestrator http://${host}/api/cluster/alias/\\w+: response larger than 16 MiB, the limit for an HTTP answer\n`));
    expect(r.status).toBe(2);
    expect(r.ms).toBeLessThan(10_000);
    expect(closedEarly).toBe(true);
  });

  it('a redirect to another host is refused and named; the password is in no message', async () => {
    let redirect = true;
    const host = await serve((req, res) => {
      if (redirect) return void res.writeHead(302, { location: `http://127.0.0.2:1${req.url}` }).end();
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ Code: 'ERROR', Message: `no such cluster; you sent ${req.headers.authorization} (orc:Sup3rSecret)` }));
    });
    let r = await cliAsync(['check', 'p', '--topology', `http://orc:Sup3rSecret@${host}/api`]);
    expect(r.stderr).toMatch(
      new RegExp(`^succession: orchestrator http://${host}/api/cluster/alias/(\\w+): HTTP 302 redirects to another origin \\(http://127\\.0\\.0\\.2:1/api/cluster/alias/\\1\\); not followed, the request carries credentials — give that URL instead\n$`),
    );
    expect(r.status).toBe(2);
    redirect = false;
    r = await cliAsync(['check', 'p', '--topology', `http://orc:Sup3rSecret@${host}/api`]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('HTTP 500: no such cluster; you sent Basic *** (***)');
    expect(r.stderr).not.toContain('Sup3rSecret');
    expect(r.stderr).not.toContain(Buffer.from('orc:Sup3rSecret').toString('base64'));
  });
});

describe('text that is not UTF-8, or that YAML forbids', () => {
  const cases: [string, Buffer][] = [
    ['a Latin-1 byte', Buffer.from([0xe9])],
    ['an encoded surrogate (CESU-8)', Buffer.from([0xed, 0xa0, 0x80])],
    ['an overlong encoding', Buffer.from([0xc0, 0xaf])],
    ['a sequence cut short', Buffer.from([0xe2, 0x82, 0x20])],
    ['a code point past U+10FFFF', Buffer.from([0xf4, 0x90, 0x80, 0x80])],
  ];
  for (const [what, bytes] of cases) {
    it(`${what} in a policy: exit 2 at its line and column, nothing built`, () => {
      const [line, col] = positionOf('rha-db-02').split(':').map(Number) as [number, number];
      put(SHOP, shopWith('rha-db-02', Buffer.concat([Buffer.from('rha-'), bytes, Buffer.from('db-02')])));
      for (const args of [['lint', 'p'], ['build', 'p', '--out', 'out'], ['check', 'p', '--topology', 'p/topology.json']]) {
        const r = cli(args);
        expect(r.stderr, args.join(' ')).toBe(`succession: ${SHOP}:${line}:${col + 4}: not UTF-8 text (byte 0x${bytes[0]!.toString(16).toUpperCase()}); succession reads its input as UTF-8\n`);
        expect(r.status).toBe(2);
      }
      expect(existsSync(join(dir.path, 'out'))).toBe(false);
    });
  }

  it('the column counts UTF-16 units, as every finding does, not bytes; a byte-order mark is not a column', () => {
    put(SHOP, Buffer.concat([Buffer.from('\ufeff# ünïcödé ✓ 😀 '), Buffer.from([0xff]), Buffer.from('\n'), shop()]));
    const r = cli(['lint', SHOP]);
    expect(r.stderr).toBe(`succession: ${SHOP}:1:16: not UTF-8 text (byte 0xFF); succession reads its input as UTF-8\n`);
  });

  it('standard input, the fleet file and a topology snapshot are decoded the same way', () => {
    let r = cli(['lint', '-', '--stdin-filename', 'in.yaml'], Buffer.from('kind: cluster\nname: x\xff\n', 'latin1'));
    expect(r.stderr).toBe('succession: in.yaml:2:8: not UTF-8 text (byte 0xFF); succession reads its input as UTF-8\n');
    expect(r.status).toBe(2);
    put('p/fleet.yaml', Buffer.concat([readFileSync(join(dir.path, 'p/fleet.yaml')), Buffer.from([0x80])]));
    r = cli(['lint', 'p']);
    expect(r.stderr).toMatch(/^succession: p\/fleet\.yaml:\d+:1: not UTF-8 text \(byte 0x80\)/);
    expect(r.status).toBe(2);
    cpSync(join(ROOT, 'policies/fleet.yaml'), join(dir.path, 'p/fleet.yaml'));
    const topology = readFileSync(join(dir.path, 'p/topology.json'), 'utf8');
    put('t.json', topology.replace('"rha-db-02"', '"rha-db-02\x90"'));
    r = cli(['check', 'p', '--topology', 't.json']);
    const before = topology.slice(0, topology.indexOf('"rha-db-02"'));
    const pos = `${before.split('\n').length}:${before.length - before.lastIndexOf('\n') + 10}`;
    expect(r.stderr).toBe(`succession: t.json:${pos}: Character U+0090 (a control character) is not allowed in YAML\n`);
    expect(r.status).toBe(2);
    put('t.json', topology.replace('"rha-db-02"', '"rha-db-02\\ud800"'));
    r = cli(['check', 'p', '--topology', 't.json']);
    expect(r.stderr).toMatch(/^succession: t\.json:\d+:\d+: An escape sequence makes a lone UTF-16 surrogate/);
    expect(r.status).toBe(2);
  });

  it('a NUL, a control character or an escaped lone surrogate in a policy: a syntax finding at it, and build writes nothing', () => {
    for (const [bytes, message] of [
      [Buffer.from([0]), 'Character U+0000 (NUL) is not allowed in YAML (BAD_CHARACTER)'],
      [Buffer.from([0x1b]), 'Character U+001B (a control character) is not allowed in YAML (BAD_CHARACTER)'],
      [Buffer.from([0xc2, 0x9b]), 'Character U+009B (a control character) is not allowed in YAML (BAD_CHARACTER)'],
    ] as const) {
      cpSync(join(ROOT, 'policies', 'clusters/shop.yaml'), join(dir.path, SHOP));
      const [line, col] = positionOf('rha-db-02').split(':').map(Number) as [number, number];
      put(SHOP, shopWith('rha-db-02', Buffer.concat([Buffer.from('rha-'), bytes, Buffer.from('db-02')])));
      const lint = cli(['lint', 'p', '--format', 'json']);
      expect(lint.status).toBe(1);
      expect((JSON.parse(lint.stdout) as { findings: unknown[] }).findings).toEqual([
        expect.objectContaining({ ruleId: 'syntax', file: SHOP, line, column: col + 4, message }),
      ]);
      const build = cli(['build', 'p', '--out', 'out']);
      expect(build.status).toBe(1);
      expect(existsSync(join(dir.path, 'out'))).toBe(false);
    }
    cpSync(join(ROOT, 'policies', 'clusters/shop.yaml'), join(dir.path, SHOP));
    put(SHOP, shopWith('name: shop', Buffer.from('name: "sh\\udc00op"')));
    const lint = cli(['lint', 'p', '--format', 'json']);
    expect(lint.status).toBe(1);
    expect((JSON.parse(lint.stdout) as { findings: { message: string }[] }).findings.map((f) => f.message)).toEqual([
      'An escape sequence makes a lone UTF-16 surrogate, which is not a character (BAD_CHARACTER)',
    ]);
  });
});
