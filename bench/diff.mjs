// `succession diff` of a one-line change in a large policy repository: a git repository holding
// the generated fleet under policies/ in one commit, and a second commit that narrows one cluster's
// whitelist (one line), packed as a clone would be. Imported by run.mjs; `node bench/diff.mjs` runs this row alone, with the
// floor of the same run for the ratio.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateFleet } from './generate.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HOOK = join(ROOT, 'bench/rss-hook.mjs');
const ENV = { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.com' };

function git(repo, ...args) {
  const r = spawnSync('git', args, { cwd: repo, env: ENV, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
}

/** Like run.mjs's measure, in the repository's directory. */
function measure(args, cwd) {
  const start = performance.now();
  const r = spawnSync(process.execPath, ['--import', HOOK, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - start;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, rssMiB: JSON.parse(r.output[3].toString() || '{"maxRSSKiB":0}').maxRSSKiB / 1024 };
}

/** The row: median time and peak RSS of `succession diff HEAD~1 HEAD` over `runs` runs. */
export function benchDiff({ cli, count, runs }) {
  const repo = mkdtempSync(join(tmpdir(), 'succession-bench-diff-'));
  try {
    generateFleet(join(repo, 'policies'), count);
    git(repo, 'init', '-q', '-b', 'main');
    // why: no gc in the background while the bench runs (or removes the repository).
    git(repo, 'config', 'gc.auto', '0');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'fleet');
    const file = join(repo, 'policies/clusters/c00042.yaml');
    const text = readFileSync(file, 'utf8');
    const narrowed = text.replace(/^( {2}whitelist: \[[^,\]]+), [^\]]+\]$/m, '$1]');
    if (narrowed === text) throw new Error('the bench edit found no whitelist to narrow');
    writeFileSync(file, narrowed);
    git(repo, 'commit', '-q', '-a', '-m', 'narrow one whitelist');
    // why: a repository as a clone has it, objects in a pack rather than 10,000 loose files.
    git(repo, 'repack', '-a', '-d', '-q');
    const samples = Array.from({ length: runs }, () => measure([cli, 'diff', 'HEAD~1', 'HEAD', '--format', 'json'], repo));
    const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
    const row = { name: `succession diff of a one-line change (${count} clusters, git repository)`, ms: sorted[Math.floor(sorted.length / 2)], rssMiB: Math.max(...samples.map((s) => s.rssMiB)) };
    process.stderr.write(`  ${row.name}: ${row.ms.toFixed(0)} ms\n`);
    return row;
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const count = Number(process.env.BENCH_CLUSTERS ?? 10_000);
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  const load = () => loadavg().map((l) => l.toFixed(2)).join(', ');
  const before = load();
  const dir = mkdtempSync(join(tmpdir(), 'succession-bench-'));
  try {
    generateFleet(dir, count);
    const floors = Array.from({ length: runs }, () => measure([join(ROOT, 'bench/floor.mjs'), dir], ROOT).ms).sort((a, b) => a - b);
    const floor = floors[Math.floor(floors.length / 2)];
    const row = benchDiff({ cli: join(ROOT, 'dist/bin/cli/main.js'), count, runs });
    console.log(`${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}; load average ${before} before, ${load()} after`);
    console.log(`floor: ${(floor / 1000).toFixed(2)} s`);
    console.log(`${row.name}: ${(row.ms / 1000).toFixed(2)} s, ${(row.ms / floor).toFixed(2)}× the floor, ${row.rssMiB.toFixed(0)} MiB (target < 3 s: ${row.ms < 3000 ? 'met' : 'NOT met'})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
