import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeStaleTemps, writeFiles } from '../../src/compile/emit.js';
import { tempDir } from './helpers.js';

/**
 * A killed build leaves `.<name>.succession-<pid>.tmp`. In a container every run can have the same
 * pid (often 1), so the next build may carry the pid of the one that was killed. The pid of a
 * spawned build cannot be chosen, so this runs the emitter in this process, whose pid is known.
 */
describe('temporary file left by a killed build with the same pid as this one', () => {
  const dir = tempDir('stale');
  afterAll(() => dir.remove());

  it('is removed before writing, so it cannot block the write (EEXIST)', async () => {
    const out = join(dir.path, 'out');
    mkdirSync(join(out, 'cmon'), { recursive: true });
    const stale = `.cmon_1.cnf.succession-${process.pid}.tmp`;
    writeFileSync(join(out, 'cmon', stale), 'cluster_id=1\nhalf-writ');
    expect(removeStaleTemps(out, ['cmon']).removed).toEqual([`cmon/${stale}`]);
    const r = await writeFiles([{ file: join(out, 'cmon', 'cmon_1.cnf'), content: 'cluster_id=1\n', label: 'cmon/cmon_1.cnf' }]);
    expect(r.written).toEqual(['cmon/cmon_1.cnf']);
    expect(readFileSync(join(out, 'cmon', 'cmon_1.cnf'), 'utf8')).toBe('cluster_id=1\n');
    expect(readdirSync(join(out, 'cmon'))).toEqual(['cmon_1.cnf']);
  });

  it('while one of a process that is still running (pid 1 is always running) is left alone', () => {
    const out = join(dir.path, 'out2');
    mkdirSync(join(out, 'mha'), { recursive: true });
    const live = join(out, 'mha', '.shop.cnf.succession-1.tmp');
    writeFileSync(live, 'being written');
    expect(process.pid).not.toBe(1);
    expect(removeStaleTemps(out, ['mha']).removed).toEqual([]);
    expect(existsSync(live)).toBe(true);
  });
});
