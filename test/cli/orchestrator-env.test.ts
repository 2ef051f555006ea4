import { spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from './helpers.js';

/** Runs the built CLI without blocking this process, which serves the fake API. */
function runAsync(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const base: Record<string, string | undefined> = { ...process.env };
  for (const k of ['ORCHESTRATOR_API', 'ORCHESTRATOR_AUTH_USER', 'ORCHESTRATOR_AUTH_PASSWORD', 'GITHUB_ACTIONS']) delete base[k];
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...base, ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

// orchestrator-client's conventions: the API list in ORCHESTRATOR_API, basic auth in
// ORCHESTRATOR_AUTH_USER / ORCHESTRATOR_AUTH_PASSWORD. A real orchestrator answering through
// them is in test/engines/orchestrator-client.test.ts; this one records what was sent.
describe('check and simulate take the topology from ORCHESTRATOR_API', () => {
  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end('{"Code":"ERROR","Message":"Unauthorized"}');
  });
  let api = '';

  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    api = `http://127.0.0.1:${(server.address() as { port: number }).port}/api`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('check reads ORCHESTRATOR_API when --topology is not given, and sends the basic-auth variables', async () => {
    seen.length = 0;
    const r = await runAsync(['check', 'policies'], { ORCHESTRATOR_API: api, ORCHESTRATOR_AUTH_USER: 'oncall', ORCHESTRATOR_AUTH_PASSWORD: 's3cret-pw' });
    expect(r.status).toBe(2);
    expect(seen.map((s) => s.url)).toContain('/api/cluster/alias/shop');
    expect(seen.every((s) => s.headers.authorization === `Basic ${Buffer.from('oncall:s3cret-pw').toString('base64')}`)).toBe(true);
    expect(r.stderr).toContain('Unauthorized');
    expect(r.stderr + r.stdout).not.toContain('s3cret-pw');
  });

  it('simulate does the same; an explicit --topology wins over the variable', async () => {
    seen.length = 0;
    const viaEnv = await runAsync(['simulate', 'shop', '--fail', 'rha-db-01:3306'], { ORCHESTRATOR_API: api });
    expect(viaEnv.status).toBe(2);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[0]!.headers.authorization).toBeUndefined();
    seen.length = 0;
    const explicit = await runAsync(['simulate', 'shop', '--fail', 'rha-db-01:3306', '--topology', 'policies/topology.json', '--format', 'json'], { ORCHESTRATOR_API: api });
    expect(explicit.stderr).toBe('');
    expect(explicit.status).toBe(0);
    expect(seen).toEqual([]);
  });

  it('without either, the message names both', async () => {
    const r = await runAsync(['check', 'policies'], {});
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('succession: no topology: give --topology SRC, or set ORCHESTRATOR_API as for orchestrator-client\n');
  });
});
