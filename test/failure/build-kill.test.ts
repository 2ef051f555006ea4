import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFleet, runAndKillOnWrite, runCli, tempDir, tree } from './helpers.js';

/** The temporary name the emitter writes a file under before renaming it over the target. */
const TEMP = /^\..+\.succession-[0-9]+\.tmp$/;

type State = 'before' | 'writing' | 'renaming' | 'after';

/**
 * A build killed at random moments while it replaces a previous complete build. Every file in the
 * output directory must then be byte-identical to the old or the new version; only temporary files
 * (dot-names ending in `.succession-<pid>.tmp`, never a final name) may be extra.
 *
 * Writing the files takes a few per cent of a build (the rest is reading, linting, compiling), so a
 * kill after a random delay from the start mostly lands before it. The kills are therefore timed
 * from what the build does to the output directory (watched with fs.watch): the first temporary
 * file, or the first rename over a final name, plus a random offset.
 *
 * Temporary files left by a kill are acceptable: their names start with a dot and end in `.tmp`, so
 * cmon (which reads `cmon_*.cnf` from its directory) never takes one for a config, and orchestrator
 * and MHA read only the exact paths they are given. `build --check` reports them as extra files, and
 * the next `build` deletes them (unless their process is still running).
 */
describe('build killed with SIGKILL mid-way', () => {
  const dir = tempDir('kill');
  const repo = join(dir.path, 'policies');
  const oldOut = join(dir.path, 'old');
  const newOut = join(dir.path, 'new');
  let oldTree: Map<string, Buffer>;
  let newTree: Map<string, Buffer>;

  beforeAll(async () => {
    await generateFleet(repo, 300);
    expect(runCli(['build', repo, '--out', oldOut, '-q']).status).toBe(0);
    // The new version: every cmon file (log directory), every MHA file (remote workdir) and every
    // orchestrator node config (credentials file) changes; the meta SQL stays as it was.
    const fleet = readFileSync(join(repo, 'fleet.yaml'), 'utf8');
    const changed = fleet
      .replace('configDir: /etc/cmon.d', 'configDir: /etc/cmon.d\n  logDir: /var/log/cmon')
      .replaceAll('topologyCredentialsFile: /etc/orchestrator/topology.cnf', 'topologyCredentialsFile: /etc/orchestrator/topology-v2.cnf');
    expect(changed).not.toBe(fleet);
    writeFileSync(join(repo, 'fleet.yaml'), `${changed}mha:\n  remoteWorkdir: /var/tmp/mha\n`);
    // The reference new version is built over a copy of the old one: the same work a killed run does.
    cpSync(oldOut, newOut, { recursive: true });
    expect(runCli(['build', repo, '--out', newOut, '-q']).status).toBe(0);
    oldTree = tree(oldOut);
    newTree = tree(newOut);
  }, 240_000);

  afterAll(() => dir.remove());

  /** Checks the invariant on a killed run's directory and says how far the build had got. */
  function inspect(out: string): State {
    const files = tree(out);
    let oldCount = 0;
    let newCount = 0;
    let temps = 0;
    for (const [path, bytes] of files) {
      const before = oldTree.get(path);
      const after = newTree.get(path);
      if (before === undefined && after === undefined) {
        expect(basename(path), `unexpected file ${path}`).toMatch(TEMP);
        temps++;
        continue;
      }
      const isOld = before !== undefined && bytes.equals(before);
      const isNew = after !== undefined && bytes.equals(after);
      expect(isOld || isNew, `${path} is neither the old nor the new complete version`).toBe(true);
      if (!isNew) oldCount++;
      if (!isOld) newCount++;
    }
    for (const path of newTree.keys()) expect(files.has(path), `${path} is missing`).toBe(true);
    if (temps > 0) return newCount > 0 ? 'renaming' : 'writing';
    if (newCount === 0) return 'before';
    return oldCount === 0 ? 'after' : 'renaming';
  }

  it('leaves every file either the old or the new complete version, and --check then build repair it', { timeout: 240_000 }, async () => {
    expect(oldTree.size).toBeGreaterThan(700);
    const changedFiles = [...newTree].filter(([p, b]) => !b.equals(oldTree.get(p)!)).length;
    expect(changedFiles).toBeGreaterThan(400);

    // Three kills timed from the first temporary file (while files are written and flushed), three
    // from the first rename over a final name (while the new files replace the old).
    const phases = [
      { trigger: TEMP, offsets: [0, 40, 120] },
      { trigger: /^cmon_[0-9]+\.cnf$/, offsets: [0, 2, 5] },
    ];
    const seen: { trigger: string; offsetMs: number; state: State }[] = [];
    let interrupted: string | undefined;
    for (const { trigger, offsets } of phases) {
      for (const base of offsets) {
        const out = join(dir.path, `killed-${seen.length}`);
        cpSync(oldOut, out, { recursive: true });
        const offsetMs = base + Math.round(Math.random() * (base / 2 + 1));
        const { killed } = await runAndKillOnWrite(['build', repo, '--out', out, '-q'], join(out, 'cmon'), trigger, offsetMs);
        const state = killed ? inspect(out) : 'after';
        if (!killed) expect(tree(out)).toEqual(newTree);
        seen.push({ trigger: String(trigger), offsetMs, state });
        if (state === 'before' || state === 'after') rmSync(out, { recursive: true, force: true });
        else if (interrupted === undefined || state === 'renaming') interrupted = out;
      }
    }
    // The test is only worth something if kills landed in both phases of writing.
    expect(seen.some((s) => s.state === 'writing'), JSON.stringify(seen)).toBe(true);
    expect(seen.some((s) => s.state === 'renaming'), JSON.stringify(seen)).toBe(true);

    const leftovers = [...tree(interrupted!).keys()].filter((p) => TEMP.test(basename(p)));
    // --check reports what the killed build left: stale files, and its temporary files as extra.
    const check = runCli(['build', repo, '--out', interrupted!, '--check', '-q']);
    expect(check.status).toBe(1);
    for (const t of leftovers) expect(check.stdout).toContain(t.split('/').pop());
    // The next build finishes the job: the new version exactly, and the temporary files gone.
    const rebuild = runCli(['build', repo, '--out', interrupted!, '-q']);
    expect(rebuild.status).toBe(0);
    if (leftovers.length > 0) expect(rebuild.stderr).toContain('left by an interrupted build');
    expect(tree(interrupted!)).toEqual(newTree);
    expect(runCli(['build', repo, '--out', interrupted!, '--check', '-q']).status).toBe(0);
  });
});
