import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Artifact } from '../../src/compile/artifact.js';
import { SYNCFS_FROM, syncEachFile } from '../../src/compile/durable.js';
import { OutputError, compareArtifacts, diffTree, treeFiles, writeFiles } from '../../src/compile/emit.js';
import { tempDirs } from './helpers.js';

const tmp = tempDirs('succession-emit-');

const art = (path: string, content: string): Artifact => ({ path, content, sourceFiles: ['p.yaml'] });
const ARTIFACTS = [art('cmon/cmon_1.cnf', 'cluster_id=1\n'), art('mha/a.cnf', '[server default]\n'), art('orchestrator/main/n1/orchestrator.conf.json', '{}\n')];

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe('writeFiles / treeFiles', () => {
  it('writes every file, then reports them unchanged without touching them', async () => {
    const out = join(tmp(), 'out');
    expect((await writeFiles(treeFiles(out, ARTIFACTS))).written).toEqual(ARTIFACTS.map((a) => a.path));
    expect(listFiles(out)).toEqual(ARTIFACTS.map((a) => a.path));
    const mtime = statSync(join(out, 'cmon/cmon_1.cnf')).mtimeMs;
    const again = await writeFiles(treeFiles(out, ARTIFACTS));
    expect(again).toEqual({ written: [], unchanged: ARTIFACTS.map((a) => a.path) });
    expect(statSync(join(out, 'cmon/cmon_1.cnf')).mtimeMs).toBe(mtime);
  });

  it('flushes a large build with one sync of the file system, and leaves no temporary file', async () => {
    const out = join(tmp(), 'out');
    const many = Array.from({ length: SYNCFS_FROM + 10 }, (_, i) => art(`mha/c${i}.cnf`, `[server default]\nmanager_workdir=/w/${i}\n`));
    expect(syncEachFile(many.length)).toBe(process.platform !== 'linux');
    expect((await writeFiles(treeFiles(out, many))).written).toHaveLength(many.length);
    expect(listFiles(out)).toEqual(many.map((a) => a.path).sort());
    for (const a of many) expect(readFileSync(join(out, a.path), 'utf8')).toBe(a.content);
  });

  it('refuses an output path that is a file', async () => {
    const file = join(tmp(), 'out');
    writeFileSync(file, 'x');
    expect(() => treeFiles(file, ARTIFACTS)).toThrow(OutputError);
    expect(readFileSync(file, 'utf8')).toBe('x');
  });

  it('writes nothing when one target cannot be written, and leaves no temporary file behind', async () => {
    const out = tmp();
    writeFileSync(join(out, 'keep'), 'old');
    mkdirSync(join(out, 'mha/a.cnf'), { recursive: true });
    const before = listFiles(out);
    await expect(writeFiles(treeFiles(out, ARTIFACTS))).rejects.toThrow(/is a directory/);
    expect(listFiles(out)).toEqual(before);
    // why: cmon/ was made for the first file, before the second failed.
    expect(existsSync(join(out, 'cmon'))).toBe(false);
  });

  it('writes nothing when a parent is a file (ENOTDIR)', async () => {
    const out = tmp();
    writeFileSync(join(out, 'orchestrator'), 'a file where a directory belongs');
    await expect(writeFiles(treeFiles(out, ARTIFACTS))).rejects.toThrow(OutputError);
    expect(listFiles(out)).toEqual(['orchestrator']);
  });

  it('replaces a changed file by rename, so a reader sees the old or the new bytes, never a mix', async () => {
    const out = tmp();
    await writeFiles(treeFiles(out, ARTIFACTS));
    const ino = statSync(join(out, 'cmon/cmon_1.cnf')).ino;
    await writeFiles(treeFiles(out, [art('cmon/cmon_1.cnf', 'cluster_id=1\nname=x\n')]));
    expect(statSync(join(out, 'cmon/cmon_1.cnf')).ino).not.toBe(ino);
    expect(readFileSync(join(out, 'cmon/cmon_1.cnf'), 'utf8')).toBe('cluster_id=1\nname=x\n');
  });
});

/** diffTree of the artifacts as the build does it: compared first, then the directories walked for extra files. */
const drift = (out: string, artifacts: readonly Artifact[], dirs: string[]) => diffTree(out, compareArtifacts(existsSync(out) ? out : undefined, artifacts), dirs);

describe('compareArtifacts / diffTree', () => {
  it('finds stale, missing and extra files under the managed directories only', async () => {
    const out = tmp();
    await writeFiles(treeFiles(out, ARTIFACTS));
    writeFileSync(join(out, 'cmon/cmon_1.cnf'), 'cluster_id=1\n# edited\n');
    rmSync(join(out, 'mha/a.cnf'));
    writeFileSync(join(out, 'orchestrator/main/n1/.orchestrator.conf.json.succession-1.tmp'), '{');
    writeFileSync(join(out, 'README'), 'not managed');
    expect(drift(out, ARTIFACTS, ['cmon', 'orchestrator', 'mha'])).toEqual([
      { path: 'cmon/cmon_1.cnf', kind: 'stale' },
      { path: 'mha/a.cnf', kind: 'missing' },
      { path: 'orchestrator/main/n1/.orchestrator.conf.json.succession-1.tmp', kind: 'extra' },
    ]);
    expect(drift(out, ARTIFACTS.slice(0, 1), ['cmon'])).toEqual([{ path: 'cmon/cmon_1.cnf', kind: 'stale' }]);
  });

  it('holds a file stale when any byte differs: longer, shorter, same length, a directory, past the first read buffer', () => {
    const out = tmp();
    const big = 'x'.repeat(200_000);
    const on = (path: string, bytes: string | Buffer) => {
      mkdirSync(join(out, path, '..'), { recursive: true });
      writeFileSync(join(out, path), bytes);
    };
    on('cmon/longer.cnf', 'a=1\nb=2\n');
    on('cmon/shorter.cnf', 'a=1');
    on('cmon/same-length.cnf', 'a=2\n');
    on('cmon/equal.cnf', 'é=1\n');
    on('cmon/latin1.cnf', Buffer.from('é=1\n', 'latin1'));
    mkdirSync(join(out, 'cmon/dir.cnf'));
    on('mha/big.cnf', big);
    on('mha/big-edited.cnf', `${big.slice(0, -1)}y`);
    on('mha/small-after-big.cnf', 'x');
    const artifacts = ['longer', 'shorter', 'same-length', 'equal', 'latin1', 'dir'].map((n) => art(`cmon/${n}.cnf`, n === 'equal' || n === 'latin1' ? 'é=1\n' : 'a=1\n'));
    artifacts.push(art('mha/big.cnf', big), art('mha/big-edited.cnf', big), art('mha/small-after-big.cnf', 'x'), art('mha/absent.cnf', 'x'));
    expect(compareArtifacts(out, artifacts).changed.map((c) => `${c.kind} ${c.path}`)).toEqual([
      'stale cmon/longer.cnf',
      'stale cmon/shorter.cnf',
      'stale cmon/same-length.cnf',
      'stale cmon/latin1.cnf',
      'stale cmon/dir.cnf',
      'stale mha/big-edited.cnf',
      'missing mha/absent.cnf',
    ]);
  });

  it('reports everything missing for an absent directory, and nothing for an up-to-date one', async () => {
    const out = join(tmp(), 'absent');
    expect(drift(out, ARTIFACTS, ['cmon']).map((d) => d.kind)).toEqual(['missing', 'missing', 'missing']);
    await writeFiles(treeFiles(out, ARTIFACTS));
    expect(drift(out, ARTIFACTS, ['cmon', 'orchestrator', 'mha'])).toEqual([]);
  });
});
