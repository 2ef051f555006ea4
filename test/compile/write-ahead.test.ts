import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareArtifacts, treeFiles, writeFiles } from '../../src/compile/emit.js';
import { TempWriter, discardWritten, tempName } from '../../src/compile/temp-files.js';
import { copyExample, fileTree, runBuilt, tempDirs } from './helpers.js';

// A build that writes has each changed file written to its temporary file as soon as it is
// compiled (TempWriter); the renames wait until nothing stops the build, and a stopped build
// deletes what it wrote ahead.

const tmp = tempDirs('succession-ahead-');

/** Every entry below `dir`, files and directories, dot-names included. */
const entries = (dir: string) => readdirSync(dir, { recursive: true }).map(String).sort();

describe('TempWriter', () => {
  it('writes a changed file to its temporary file only, with a replaced file’s mode; writeFiles renames it', async () => {
    const out = tmp();
    mkdirSync(join(out, 'mha'));
    writeFileSync(join(out, 'mha/a.cnf'), 'old\n', { mode: 0o600 });
    chmodSync(join(out, 'mha/a.cnf'), 0o600);
    const writer = new TempWriter(out);
    const comparison = compareArtifacts(out, [
      { path: 'mha/a.cnf', content: 'new\n' },
      { path: 'cmon/cmon_1.cnf', content: 'cluster_id=1\n' },
      { path: 'mha/same.cnf', content: 'x\n' },
    ]);
    expect(comparison.changed.map((c) => c.kind)).toEqual(['stale', 'missing', 'missing']);
    writeFileSync(join(out, 'mha/same.cnf'), 'x\n');
    const ahead = compareArtifacts(out, [
      { path: 'mha/a.cnf', content: 'new\n' },
      { path: 'cmon/cmon_1.cnf', content: 'cluster_id=1\n' },
      { path: 'mha/same.cnf', content: 'x\n' },
    ], undefined, writer);
    expect(ahead.changed).toEqual([
      { path: 'mha/a.cnf', kind: 'stale', temp: tempName(join(out, 'mha/a.cnf')) },
      { path: 'cmon/cmon_1.cnf', kind: 'missing', temp: tempName(join(out, 'cmon/cmon_1.cnf')) },
    ]);
    expect(writer.error).toBeUndefined();
    expect(readFileSync(join(out, 'mha/a.cnf'), 'utf8')).toBe('old\n');
    expect(readFileSync(writer.temps[0]!, 'utf8')).toBe('new\n');
    expect(statSync(writer.temps[0]!).mode & 0o777).toBe(0o600);
    expect(writer.created).toEqual([join(out, 'cmon')]);
    const result = await writeFiles(treeFiles(out, ahead.changed), writer.made);
    expect(result.written).toEqual(['mha/a.cnf', 'cmon/cmon_1.cnf']);
    expect([...fileTree(out)]).toEqual([
      ['cmon/cmon_1.cnf', 'cluster_id=1\n'],
      ['mha/a.cnf', 'new\n'],
      ['mha/same.cnf', 'x\n'],
    ]);
    expect(statSync(join(out, 'mha/a.cnf')).mode & 0o777).toBe(0o600);
  });

  it('replaces a temporary file an earlier process with the same id left', () => {
    const out = tmp();
    mkdirSync(join(out, 'mha'));
    writeFileSync(tempName(join(out, 'mha/a.cnf')), 'left by a killed build');
    const writer = new TempWriter(out);
    expect(writer.write('mha/a.cnf', 'new\n', false)).toBe(tempName(join(out, 'mha/a.cnf')));
    expect(readFileSync(writer.temps[0]!, 'utf8')).toBe('new\n');
  });

  it('stops at the first failure and says why; discardWritten leaves the directory as it was', () => {
    const out = tmp();
    writeFileSync(join(out, 'orchestrator'), 'a file where a directory belongs');
    const writer = new TempWriter(out);
    expect(writer.write('cmon/cmon_1.cnf', 'a\n', false)).toBeDefined();
    expect(writer.write('orchestrator/main/n1/orchestrator.conf.json', '{}\n', false)).toBeUndefined();
    expect(writer.error).toMatch(/^cannot create .*orchestrator\/main\/n1: /);
    expect(writer.write('mha/a.cnf', 'b\n', false)).toBeUndefined();
    expect(existsSync(join(out, 'mha'))).toBe(false);
    discardWritten([{ temps: writer.temps, dirs: writer.made, created: writer.created }]);
    expect(entries(out)).toEqual(['orchestrator']);
  });
});

describe('succession build, stopped after writing ahead', () => {
  it('leaves no temporary file and no directory behind when lint findings stop it', () => {
    const d = copyExample(tmp());
    // why: with --cache and no output directory yet every policy is compiled (and written ahead) before the lint gate.
    writeFileSync(join(d, 'policies/clusters/dr.yaml'), `${readFileSync(join(d, 'policies/clusters/dr.yaml'), 'utf8')}bogus: 1\n`);
    const r = runBuilt(['build', 'policies', '--out', 'out', '--cache'], d);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('build stopped by the findings above; nothing was written.');
    expect(existsSync(join(d, 'out'))).toBe(false);
  });

  it('leaves an existing output directory as it was', () => {
    const d = copyExample(tmp());
    expect(runBuilt(['build', 'policies', '--out', 'out', '-q'], d).code).toBe(0);
    const before = fileTree(join(d, 'out'));
    const shop = join(d, 'policies/clusters/shop.yaml');
    writeFileSync(shop, readFileSync(shop, 'utf8').replace('description: Web shop orders and payments', 'description: Web shop orders'));
    writeFileSync(join(d, 'policies/clusters/dr.yaml'), `${readFileSync(join(d, 'policies/clusters/dr.yaml'), 'utf8')}bogus: 1\n`);
    const listed = entries(join(d, 'out'));
    const r = runBuilt(['build', 'policies', '--out', 'out', '--cache', '--cache-location', join(d, 'cache')], d);
    expect(r.code).toBe(1);
    expect(entries(join(d, 'out'))).toEqual(listed);
    expect(fileTree(join(d, 'out'))).toEqual(before);
  });
});
