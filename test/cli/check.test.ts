import { createServer } from 'node:net';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from './helpers.js';

/** A loopback port nothing listens on: bound, then closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('succession check', () => {
  it('is clean on the example repository against its recorded topology', () => {
    const r = run(['check', '--topology', 'policies/topology.json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('exits 2 when nothing could be read from the topology source, instead of calling every host missing', async () => {
    const port = await closedPort();
    const r = run(['check', '--topology', `mysql://127.0.0.1:${port}`], { env: { MYSQL_USER: 'nobody', MYSQL_PWD: 'secret-password' } });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`succession: nothing could be read from mysql://127.0.0.1:${port} (127.0.0.1:${port}: connection refused)\n`);
    expect(r.stderr).not.toContain('secret-password');
  });

  it('never shows the password of a mysql://user:password@ topology, in any message', async () => {
    const port = await closedPort();
    for (const url of [`mysql://topo:s3cr%40t-pw@127.0.0.1:${port}`, 'mysql://topo:s3cr%40t-pw@not a host', 'mysql://topo:s3cr%40t-pw@']) {
      const r = run(['check', '--topology', url, '--no-defaults']);
      expect(r.status).toBe(2);
      expect(r.stderr).not.toMatch(/s3cr/);
      expect(r.stderr).not.toContain('topo:');
    }
    const bad = run(['check', '--topology', 'mysql://topo:%zz@127.0.0.1:1', '--no-defaults']);
    expect(bad.stderr).toBe('succession: the user or password of the mysql:// topology is not valid percent-encoding\n');
  });

  it('reports a snapshot that fails its schema at file:line:column, exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'succession-check-'));
    const file = join(dir, 'topology.json');
    writeFileSync(file, '{\n  "format": 1,\n  "origin": { "kind": "mysql", "detail": "x" },\n  "instances": [\n    { "key": "a:1", "host": "a", "port": 1, "reachable": "yes" }\n  ]\n}\n');
    const r = run(['check', '--topology', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`succession: ${file}:5:58: "instances[0].reachable" must be boolean\n`);
  });
});

describe('succession simulate', () => {
  it('names the cluster it does not know and suggests a near one', () => {
    const r = run(['simulate', 'shpo', '--topology', 'policies/topology.json']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('succession: no cluster named "shpo" in policies/. Did you mean "shop"?\n');
  });

  it('refuses --fail with a host the topology does not have', () => {
    const r = run(['simulate', 'shop', '--topology', 'policies/topology.json', '--fail', 'elsewhere:3306']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('succession: elsewhere:3306 is not in the topology of cluster "shop"\n');
  });
});
