// `npm run bench`: generates a fleet of cluster policies and times the floor (read + parse +
// validate), `succession lint`, `succession build` (into an empty directory, with nothing changed,
// `--check`, and after one policy changed; the last three also with the build cache, --cache, and
// `--check --cache` once more in a fresh checkout), single-policy start-up against bare node, and live
// discovery when MariaDB is installed. Median of several runs; peak RSS of each process; every
// fleet figure also as a ratio to the floor of the same run, since the machine may be shared. A
// second floor parses with js-yaml, as succession reads most policies, for reference.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateFleet } from './generate.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist/bin/cli/main.js');
const HOOK = join(ROOT, 'bench/rss-hook.mjs');
const COUNT = Number(process.env.BENCH_CLUSTERS ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

function measure(args) {
  const start = performance.now();
  const r = spawnSync(process.execPath, ['--import', HOOK, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = performance.now() - start;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const rss = JSON.parse(r.output[3].toString() || '{"maxRSSKiB":0}').maxRSSKiB;
  return { ms, rssMiB: rss / 1024 };
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function bench(name, args, runs = RUNS) {
  const samples = Array.from({ length: runs }, () => measure(typeof args === 'function' ? args() : args));
  const row = { name, ms: median(samples.map((s) => s.ms)), rssMiB: Math.max(...samples.map((s) => s.rssMiB)) };
  process.stderr.write(`  ${name}: ${row.ms.toFixed(0)} ms\n`);
  return row;
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(', ');

const dir = mkdtempSync(join(tmpdir(), 'succession-bench-'));
try {
  // why: the generated trees beside the policies, as in a policy repository: under them, each build
  // walked the earlier builds' 70,000 files, which the floor never reads (some 0.25 s of a build).
  const repo = join(dir, 'policies');
  process.stderr.write(`generating ${COUNT} cluster policies in ${repo}\n`);
  generateFleet(repo, COUNT);
  const single = join(ROOT, 'policies/clusters/shop.yaml');
  const out = join(dir, 'out');
  const loadBefore = load();

  const rows = [];
  const floor = bench(`floor: read + parse + validate ${COUNT} files`, [join(ROOT, 'bench/floor.mjs'), repo]);
  rows.push(floor);
  const floorJsYaml = bench(`floor with js-yaml: read + parse + validate ${COUNT} files`, [join(ROOT, 'bench/floor.mjs'), repo, 'js-yaml']);
  rows.push(floorJsYaml);
  const lint = bench(`succession lint (${COUNT} clusters)`, [CLI, 'lint', repo, '--format', 'json']);
  rows.push(lint);
  // why: a first build writes (and flushes) every file; a rebuild of unchanged policies compares them.
  let run = 0;
  const build = bench(`succession build (${COUNT} clusters), into an empty directory`, () => [CLI, 'build', repo, '--out', join(out, String(run++))]);
  rows.push(build);
  const rebuild = bench(`succession build (${COUNT} clusters), nothing changed`, [CLI, 'build', repo, '--out', join(out, '0')]);
  rows.push(rebuild);
  const check = bench(`succession build --check (${COUNT} clusters), nothing changed`, [CLI, 'build', repo, '--out', join(out, '0'), '--check']);
  rows.push(check);
  // why: each run gets a real change to one policy (its description alternates), so it rewrites that cluster's files.
  const edited = join(repo, 'clusters', 'c00042.yaml');
  const original = readFileSync(edited, 'utf8');
  let edit = 0;
  const oneChanged = bench(`succession build (${COUNT} clusters), one policy changed`, () => {
    writeFileSync(edited, original.replace('description: Benchmark cluster', `description: Edited (${edit++ % 2}) benchmark cluster`));
    return [CLI, 'build', repo, '--out', join(out, '0')];
  });
  rows.push(oneChanged);
  // why: the build cache (--cache) is primed by one unmeasured build, as a developer's previous build would.
  const cache = join(dir, 'build-cache');
  const cached = (...more) => [CLI, 'build', repo, '--out', join(out, '0'), '--cache-location', cache, ...more];
  measure(cached());
  const rebuildCached = bench(`succession build --cache (${COUNT} clusters), nothing changed`, cached());
  rows.push(rebuildCached);
  const checkCached = bench(`succession build --check --cache (${COUNT} clusters), nothing changed`, cached('--check'));
  rows.push(checkCached);
  const oneChangedCached = bench(`succession build --cache (${COUNT} clusters), one policy changed`, () => {
    writeFileSync(edited, original.replace('description: Benchmark cluster', `description: Edited (${edit++ % 2}) benchmark cluster`));
    return cached();
  });
  rows.push(oneChangedCached);
  // why: a CI job that restores the cache file into a fresh checkout. Every policy and generated
  // file then has another inode and other times than the cache recorded, so each is read and
  // hashed once instead of being trusted by its stat (and the cache records the new stats).
  const freshCopy = (path) => {
    cpSync(path, `${path}.copy`, { recursive: true });
    rmSync(path, { recursive: true });
    renameSync(`${path}.copy`, path);
  };
  const checkRestored = bench(`succession build --check --cache (${COUNT} clusters), nothing changed, in a fresh checkout`, () => {
    for (const p of [join(repo, 'clusters'), join(repo, 'fleet.yaml'), join(out, '0')]) freshCopy(p);
    // why: a file changed in the last two seconds is not vouched for by its stat; a checkout is older by the time CI builds.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2100);
    return cached('--check');
  });
  rows.push(checkRestored);
  const { benchDiff } = await import('./diff.mjs');
  const diffRow = benchDiff({ cli: CLI, count: COUNT, runs: RUNS });
  rows.push(diffRow);
  const fleetRows = new Set(rows);
  const bare = bench('bare node -e ""', ['-e', ''], 7);
  rows.push(bare);
  const one = bench('succession lint (one policy)', [CLI, 'lint', single], 7);
  rows.push(one);
  const discover = join(ROOT, 'bench/discover.mjs');
  if (existsSync(discover)) {
    const { benchDiscovery } = await import(discover);
    rows.push(...(await benchDiscovery({ cli: CLI, measure, median, runs: RUNS })));
  }

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`\nsuccession bench — ${COUNT} clusters, median of ${RUNS} runs (7 for start-up), ${cpus().length} × ${cpu}, Node ${process.version}`);
  console.log(`load average (1, 5, 15 min): ${loadBefore} before, ${load()} after\n`);
  console.log('| measurement | time | × floor | peak RSS |');
  console.log('|---|---:|---:|---:|');
  for (const r of rows) {
    const ratio = fleetRows.has(r) ? `${(r.ms / floor.ms).toFixed(2)}×` : '';
    console.log(`| ${r.name} | ${(r.ms / 1000).toFixed(2)} s | ${ratio} | ${r.rssMiB ? `${r.rssMiB.toFixed(0)} MiB` : 'n/a'} |`);
  }
  console.log('');
  const verdict = (ok) => (ok ? 'met' : 'NOT met');
  const ratioLine = (name, row, max) => console.log(`${name}: ${(row.ms / floor.ms).toFixed(2)}× the floor, ${row.rssMiB.toFixed(0)} MiB (target ≤ ${max}× and < 300 MiB: ${verdict(row.ms / floor.ms <= max && row.rssMiB < 300)})`);
  console.log(`lint / floor:  ${(lint.ms / floor.ms).toFixed(2)}× (target ≤ 1.5×)`);
  console.log(`against the floor with js-yaml (${(floorJsYaml.ms / 1000).toFixed(2)} s): lint ${(lint.ms / floorJsYaml.ms).toFixed(2)}×, build into an empty directory ${(build.ms / floorJsYaml.ms).toFixed(2)}×, nothing changed ${(rebuild.ms / floorJsYaml.ms).toFixed(2)}×, --check ${(check.ms / floorJsYaml.ms).toFixed(2)}×`);
  ratioLine('build, empty directory', build, 2);
  ratioLine('build, nothing changed', rebuild, 1.3);
  ratioLine('build --check, nothing changed', check, 1.3);
  ratioLine('build --cache, nothing changed', rebuildCached, 1.3);
  ratioLine('build --check --cache, nothing changed', checkCached, 1.3);
  ratioLine('build --check --cache, nothing changed, in a fresh checkout', checkRestored, 1.3);
  console.log(`build, one policy changed: ${(oneChanged.ms / 1000).toFixed(2)} s without a cache, ${(oneChangedCached.ms / 1000).toFixed(2)} s (${(oneChangedCached.ms / floor.ms).toFixed(2)}× the floor, ${oneChangedCached.rssMiB.toFixed(0)} MiB) with --cache (target < 2 s: ${verdict(oneChangedCached.ms < 2000)})`);
  console.log(`diff, one-line change: ${(diffRow.ms / 1000).toFixed(2)} s (target < 3 s: ${verdict(diffRow.ms < 3000)})`);
  console.log(`one-policy lint / bare node: ${(one.ms / bare.ms).toFixed(2)}× (target < 3×)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
