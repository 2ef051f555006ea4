import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BIN, ROOT, run } from './helpers.js';

// The review recipes of docs/ci.md, run for real: a policy repository with a branch that
// narrows shop's whitelist (the example change of docs/review.md), cloned as CI clones it, with
// `npx --no-install succession` resolving to the built binary. What only GitHub or GitLab can do
// is played here: `gh` by a script that applies the workflow's jq filter to a list of comments
// with jq itself, GitLab's notes API by a server on the loopback address.

const ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
const MARKER = '<!-- succession diff -->';
const DOC = readFileSync(join(ROOT, 'docs/ci.md'), 'utf8');
const BLOCKS = [...DOC.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
}
interface Workflow {
  jobs: Record<string, { env?: Record<string, string>; steps: Step[] }>;
}

// why: the comment step's filter is jq syntax, applied here by jq itself (CI installs it).
const HAS_JQ = spawnSync('jq', ['--version']).status === 0;
if (!HAS_JQ) {
  if (process.env.SUCCESSION_REQUIRE_ENGINES === '1') throw new Error('jq not found (apt-get install jq)');
  console.warn('SKIPPED the GitHub comment tests of test/cli/ci-recipe.test.ts: jq not found (apt-get install jq)');
}

let work: string;
let clone: string;
let tools: string;

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: { ...process.env, ...ENV }, encoding: 'utf8' });
}

/** Runs a script as the CI runner does (bash, stop at the first failing command), in the clone. */
function sh(script: string, env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
      cwd: clone,
      env: { PATH: `${tools}:${dirname(process.execPath)}:/usr/bin:/bin`, HOME: work, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'succession-ci-recipe-'));
  const origin = join(work, 'origin.git');
  git(work, 'init', '-q', '--bare', '-b', 'main', origin);
  const author = join(work, 'author');
  git(work, 'clone', '-q', origin, author);
  cpSync(join(ROOT, 'policies'), join(author, 'policies'), { recursive: true });
  writeFileSync(join(author, 'package.json'), '{ "private": true }\n');
  git(author, 'add', '-A');
  git(author, 'commit', '-q', '-m', 'example policies');
  git(author, 'push', '-q', 'origin', 'main');
  git(author, 'checkout', '-q', '-b', 'narrow-whitelist');
  const shop = join(author, 'policies/clusters/shop.yaml');
  const text = readFileSync(shop, 'utf8');
  expect(text).toContain('whitelist: [rha-db-02:3306, rha-db-03:3306]');
  writeFileSync(shop, text.replace('whitelist: [rha-db-02:3306, rha-db-03:3306]', 'whitelist: [rha-db-03:3306]'));
  git(author, 'commit', '-q', '-am', 'rha-db-02 leaves the whitelist');
  git(author, 'push', '-q', 'origin', 'narrow-whitelist');

  // What CI checks out: the whole history (fetch-depth 0), the branch's commit.
  clone = join(work, 'ci');
  git(work, 'clone', '-q', origin, clone);
  git(clone, 'checkout', '-q', 'narrow-whitelist');
  // What `npm ci` leaves for `npx --no-install succession`.
  mkdirSync(join(clone, 'node_modules/.bin'), { recursive: true });
  symlinkSync(BIN, join(clone, 'node_modules/.bin/succession'));

  tools = join(work, 'tools');
  mkdirSync(tools);
  writeFileSync(
    join(tools, 'gh'),
    `#!/bin/bash
# gh as the workflow uses it: lists comments (through the workflow's own jq filter), edits one, or adds one.
printf '%s\\n' "$*" >> "$GH_LOG"
if [ "$1" = api ] && [ "$2" != --method ]; then
  while [ $# -gt 0 ]; do [ "$1" = --jq ] && exec jq -r "$2" "$GH_COMMENTS"; shift; done
  exit 3
fi
for a in "$@"; do case "$a" in body=@*) cp "\${a#body=@}" "$GH_BODY"; exit 0;; esac; done
if [ "$1 $2" = "pr comment" ]; then
  while [ $# -gt 0 ]; do [ "$1" = --body-file ] && cp "$2" "$GH_BODY"; shift; done
  exit 0
fi
exit 3
`,
  );
  chmodSync(join(tools, 'gh'), 0o755);
}, 60_000);

afterAll(() => {
  if (work) execFileSync('rm', ['-rf', work]);
});

describe('the GitHub Actions workflow', () => {
  const workflowText = BLOCKS[0]!;
  const workflow = parse(workflowText) as Workflow;
  const review = workflow.jobs.review!;
  // The values GitHub puts into ${{ }} for pull request 7 of acme/policies, based on main.
  const CONTEXT: Record<string, string> = { 'github.base_ref': 'main', 'github.token': 'token', 'github.event.pull_request.number': '7' };
  const expand = (v: string) =>
    v.replace(/\$\{\{\s*([\w.]+)\s*\}\}/g, (_, name: string) => {
      expect(CONTEXT, `docs/ci.md uses \${{ ${name} }}`).toHaveProperty([name]);
      return CONTEXT[name]!;
    });

  function stepEnv(step: Step, extra: Record<string, string>): Record<string, string> {
    const env: Record<string, string> = { GITHUB_REPOSITORY: 'acme/policies', GITHUB_STEP_SUMMARY: join(work, 'summary.md'), ...extra };
    for (const [k, v] of Object.entries({ ...review.env, ...step.env })) env[k] = expand(v);
    return env;
  }
  const step = (name: string) => {
    const found = review.steps.find((s) => s.name === name);
    expect(found, name).toBeDefined();
    return found!;
  };
  const gh = (comments: unknown[]) => {
    const file = join(work, 'comments.json');
    writeFileSync(file, JSON.stringify(comments));
    writeFileSync(join(work, 'gh.log'), '');
    return { GH_LOG: join(work, 'gh.log'), GH_COMMENTS: file, GH_BODY: join(work, 'body.md') };
  };

  it('is what succession init writes', () => {
    const dir = join(work, 'init');
    expect(run(['init', dir]).status).toBe(0);
    expect(readFileSync(join(dir, '.github/workflows/succession.yml'), 'utf8')).toBe(workflowText);
  });

  it('checks out the whole history, so that the base branch can be read with git', () => {
    const checkout = review.steps.find((s) => s.uses?.startsWith('actions/checkout@')) as Step & { with?: Record<string, unknown> };
    expect(checkout.with?.['fetch-depth']).toBe(0);
  });

  it('writes the markdown diff to the run summary and the report to the artifact directory', async () => {
    writeFileSync(join(work, 'summary.md'), '');
    for (const name of ['What the change does', 'Visual report']) {
      const r = await sh(step(name).run!, stepEnv(step(name), {}));
      expect(r.status, `${name}: ${r.stderr}`).toBe(0);
    }
    const diff = readFileSync(join(clone, 'succession-diff.md'), 'utf8');
    expect(diff).toMatch(/^### succession diff: origin\/main \([0-9a-f]{12}\) → HEAD \([0-9a-f]{12}\)\n/);
    expect(diff).toContain('<details><summary>shop changed: candidates −1; successor changes in 3 failures');
    expect(diff).toContain('rha-db-01:3306 fails, orchestrator: successor rha-db-02:3306 → rha-db-03:3306');
    expect(readFileSync(join(work, 'summary.md'), 'utf8')).toBe(diff);
    const upload = review.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@')) as Step & { with: { path: string } };
    const report = join(clone, upload.with.path, 'index.html');
    expect(existsSync(report)).toBe(true);
    expect(readFileSync(report, 'utf8')).toContain('rha-db-03:3306');
  });

  it.skipIf(!HAS_JQ)('adds one comment, then edits that comment on the next push', async () => {
    const comment = step('Comment on the pull request');
    expect(existsSync(join(clone, 'succession-diff.md')), 'the diff step ran').toBe(true);
    const diff = readFileSync(join(clone, 'succession-diff.md'), 'utf8');

    let env = gh([{ id: 1, body: 'Looks fine to me' }]);
    let r = await sh(comment.run!, stepEnv(comment, env));
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(env.GH_LOG, 'utf8').split('\n')[1]).toBe('pr comment 7 --body-file comment.md');
    expect(readFileSync(env.GH_BODY, 'utf8')).toBe(`${MARKER}\n${diff}`);

    env = gh([{ id: 1, body: 'Looks fine to me' }, { id: 42, body: `${MARKER}\nan older review` }, { id: 43, body: `quoting:\n${MARKER}` }]);
    writeFileSync(env.GH_BODY, '');
    r = await sh(comment.run!, stepEnv(comment, env));
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(env.GH_LOG, 'utf8').split('\n')[1]).toBe('api --method PATCH repos/acme/policies/issues/comments/42 -F body=@comment.md');
    expect(readFileSync(env.GH_BODY, 'utf8')).toBe(`${MARKER}\n${diff}`);
  });

  it.skipIf(!HAS_JQ)('posts the headline only when the review is longer than a comment may be', async () => {
    const comment = step('Comment on the pull request');
    const long = `### succession diff: origin/main → HEAD\n\n4000 clusters changed, 0 unchanged\n\n${'- a setting changed\n'.repeat(4000)}`;
    writeFileSync(join(clone, 'succession-diff.md'), long);
    const env = gh([]);
    const r = await sh(comment.run!, stepEnv(comment, env));
    expect(r.status, r.stderr).toBe(0);
    const body = readFileSync(env.GH_BODY, 'utf8');
    expect(body.length).toBeLessThan(65_536);
    expect(body).toBe(
      `${MARKER}\n### succession diff: origin/main → HEAD\n\n4000 clusters changed, 0 unchanged\nThe whole review is too long for a comment: see the run's summary and the succession-report artifact.\n`,
    );
  });
});

describe('the GitLab CI review job', () => {
  const pipeline = parse(BLOCKS[1]!) as Record<string, { script: string[]; variables?: Record<string, string | number>; artifacts?: { paths?: string[] } }>;
  const job = pipeline['succession-review']!;
  const script = job.script.filter((line) => line !== 'npm ci').join('\n');

  let server: Server;
  let url: string;
  let notes: { id: number; body: string }[];
  let calls: string[];
  let refuse: boolean;

  const body = (req: IncomingMessage) =>
    new Promise<string>((done) => {
      let text = '';
      req.on('data', (d: Buffer) => (text += d.toString()));
      req.on('end', () => done(text));
    });

  beforeAll(async () => {
    // GitLab's notes API for merge request 7 of project 12, as far as the job uses it.
    server = createServer(async (req, res) => {
      const path = req.url!;
      calls.push(`${req.method} ${path} token=${String(req.headers['private-token'])}`);
      const base = '/api/v4/projects/12/merge_requests/7/notes';
      if (refuse) return res.writeHead(401).end('{"message":"401 Unauthorized"}');
      if (req.method === 'GET' && path.startsWith(`${base}?`)) {
        const page = Number(new URL(path, 'http://x').searchParams.get('page'));
        return res.end(JSON.stringify(page === 1 ? notes : []));
      }
      const sent = JSON.parse(await body(req)) as { body: string };
      if (req.method === 'POST' && path === base) {
        notes.push({ id: 100, body: sent.body });
        return res.writeHead(201).end(JSON.stringify(notes.at(-1)));
      }
      const note = notes.find((n) => `${base}/${n.id}` === path);
      if (req.method === 'PUT' && note) {
        note.body = sent.body;
        return res.end(JSON.stringify(note));
      }
      res.writeHead(404).end('{}');
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v4`;
  });

  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  const ciEnv = (token: string | undefined): Record<string, string> => ({
    CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
    CI_API_V4_URL: url,
    CI_PROJECT_ID: '12',
    CI_MERGE_REQUEST_IID: '7',
    ...(token === undefined ? {} : { SUCCESSION_REVIEW_TOKEN: token }),
  });

  it('posts the diff as a note, then edits that note', async () => {
    notes = [{ id: 5, body: 'a reviewer was here' }];
    calls = [];
    refuse = false;
    const first = await sh(script, ciEnv('glpat-secret'));
    expect(first.status, first.stderr).toBe(0);
    const diff = readFileSync(join(clone, 'succession-diff.md'), 'utf8');
    expect(diff).toContain('shop changed: candidates −1');
    expect(first.stdout).toContain(diff);
    expect(calls).toEqual([
      'GET /api/v4/projects/12/merge_requests/7/notes?per_page=100&page=1 token=glpat-secret',
      'GET /api/v4/projects/12/merge_requests/7/notes?per_page=100&page=2 token=glpat-secret',
      'POST /api/v4/projects/12/merge_requests/7/notes token=glpat-secret',
    ]);
    expect(notes.at(-1)!.body).toBe(`${MARKER}\n${diff}`);
    expect(job.artifacts?.paths?.every((p) => existsSync(join(clone, p)))).toBe(true);

    calls = [];
    const second = await sh(script, ciEnv('glpat-secret'));
    expect(second.status, second.stderr).toBe(0);
    expect(calls.at(-1)).toBe('PUT /api/v4/projects/12/merge_requests/7/notes/100 token=glpat-secret');
    expect(notes).toHaveLength(2);
  });

  it('keeps the review in the log without a token, and fails when the API refuses the token', async () => {
    calls = [];
    const without = await sh(script, ciEnv(undefined));
    expect(without.status, without.stderr).toBe(0);
    expect(without.stdout).toContain('shop changed');
    expect(calls).toEqual([]);

    refuse = true;
    const refused = await sh(script, ciEnv('glpat-expired'));
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('HTTP 401');
    expect(refused.stderr + refused.stdout).not.toContain('glpat-expired');
  });
});
