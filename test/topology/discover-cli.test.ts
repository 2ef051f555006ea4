import { spawnSync } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, run } from '../cli/helpers.js';
import { freePort } from '../live/topology.js';

/** `succession discover` where no MySQL server is needed: argument errors and hosts that cannot be read. */
describe('succession discover (no server)', () => {
  let silent: Server;
  let silentPort: number;
  let refusedPort: number;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    silent = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    silentPort = (silent.address() as { port: number }).port;
    refusedPort = await freePort();
  });
  afterAll(() => {
    for (const s of sockets) s.destroy();
    silent.close();
  });

  it.each([
    [['discover', '--no-defaults'], /at least one --seed HOST:PORT is required/],
    [['discover', '--seed', 'db:99999'], /invalid --seed "db:99999": expected HOST:PORT/],
    [['discover', '--seed', 'db:3306', '--datacenter-query', 'DELETE FROM meta.dc'], /invalid --datacenter-query: the data-center query must be a SELECT statement/],
    [['discover', '--seed', 'db:3306', '--datacenter-pattern', '^(dc\\d)-(x)'], /needs exactly one capture group/],
    [['discover', '--seed', 'db:3306', '--datacenter-pattern', '(['], /invalid --datacenter-pattern: /],
    [['discover', '--seed', 'db:3306', '--concurrency', '0'], /expected a positive integer/],
    [['discover', '--seed', 'db:3306', '--defaults-file', '/nonexistent/my.cnf'], /cannot read option file \/nonexistent\/my.cnf: no such file or directory/],
  ])('%j is a usage error (exit 2)', (args, message) => {
    const r = run(args as string[]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message as RegExp);
  });

  it('exits 2 when nothing could be read: refused, and silent past the connect timeout', () => {
    const r = run(['discover', '--seed', `127.0.0.1:${refusedPort}`, '--seed', `127.0.0.1:${silentPort}`, '--connect-timeout', '300'], {
      env: { MYSQL_USER: 'topo', MYSQL_PWD: 'Never-Shown-42' },
    });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`succession: cannot read 127.0.0.1:${refusedPort}: connection refused`);
    expect(r.stderr).toContain(`succession: cannot read 127.0.0.1:${silentPort}: no answer within 300 ms (connect timeout)`);
    expect(r.stderr).toContain('succession: no server could be read; no snapshot written');
    expect(r.stderr).not.toContain('Never-Shown-42');
  });

  it('shows progress on standard error only when it is a terminal', () => {
    // `script` gives the command a pseudo-terminal; its output is what the terminal would show.
    const r = spawnSync('script', ['-qec', `'${process.execPath}' '${BIN}' discover --seed 127.0.0.1:${refusedPort}`, '/dev/null'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(r.stdout).toContain(`\rdiscovering: 1/1 servers read (127.0.0.1:${refusedPort} unreachable)`);
    const plain = run(['discover', '--seed', `127.0.0.1:${refusedPort}`]);
    expect(plain.stderr).not.toContain('discovering');
  });
});
