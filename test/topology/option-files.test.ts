import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLIENT_GROUPS, decryptLoginFile, lastValues, readOptions, type OptionSources } from '../../src/topology/option-files.js';
import { TopologyError } from '../../src/topology/model.js';
import { loginFile } from './login-file.js';

/** MariaDB's own reader: prints every option of the groups, in reading order, as `--name=value`. */
const MY_PRINT_DEFAULTS = ['/usr/bin/my_print_defaults', '/usr/local/bin/my_print_defaults'].find((p) => spawnSync(p, ['--help']).status === 0);
if (!MY_PRINT_DEFAULTS) {
  if (process.env.SUCCESSION_REQUIRE_MARIADB === '1') throw new Error('my_print_defaults not found (apt-get install mariadb-client)');
  console.warn('SKIPPED option-file agreement tests: my_print_defaults not found (apt-get install mariadb-client)');
}
const oracle = MY_PRINT_DEFAULTS ? describe : describe.skip;

function clientSays(env: NodeJS.ProcessEnv, sources: OptionSources, cwd: string): { status: number | null; options: string[] } {
  const flags = [
    ...(sources.noDefaults ? ['--no-defaults'] : []),
    ...(sources.defaultsFile ? [`--defaults-file=${sources.defaultsFile}`] : []),
    ...(sources.defaultsExtraFile ? [`--defaults-extra-file=${sources.defaultsExtraFile}`] : []),
  ];
  const r = spawnSync(MY_PRINT_DEFAULTS!, [...flags, ...CLIENT_GROUPS], { encoding: 'utf8', env, cwd });
  return { status: r.status, options: r.stdout === '' ? [] : r.stdout.replace(/\n$/, '').split(/\n(?=--)/) };
}

function weSay(env: NodeJS.ProcessEnv, sources: OptionSources): { status: number; options: string[] } {
  try {
    return { status: 0, options: readOptions(env, sources).map((o) => (o.value === true ? `--${o.name}` : `--${o.name}=${o.value}`)) };
  } catch (e) {
    if (e instanceof TopologyError) return { status: 2, options: [] };
    throw e;
  }
}

const groupLine = fc.constantFrom('[client]', '[CLIENT]', '[client-mariadb]', '[succession]', '[mysqld]', '[client] # c', '[client-server]  ', '[ client ]', '[clientx]', '[client');
const name = fc.constantFrom('user', 'password', 'host', 'port', 'ssl-ca', 'ssl_mode', 'loose-ssl-key', 'socket', 'bad name');
const valueChar = fc.constantFrom('a', 'b', ' ', '#', ';', '"', "'", '\\', 'n', 't', 's', '=', 'é', '\t');
const value = fc.array(valueChar, { maxLength: 10 }).map((cs) => cs.join(''));
const optionLine = fc.tuple(fc.constantFrom('', ' ', '\t'), name, fc.constantFrom('=', ' = ', ' ='), value).map(([lead, n, eq, v]) => `${lead}${n}${eq}${v}`);
const otherLine = fc.constantFrom('', '# comment', '; comment', 'flag', '  skip-ssl  ', '!bogus', 'password');
const fileText = fc.array(fc.oneof(groupLine, optionLine, optionLine, otherLine), { maxLength: 12 }).chain((lines) =>
  fc.constantFrom('\n', '\r\n').map((eol) => lines.join(eol) + eol),
);

oracle('option files are read as MariaDB’s own reader reads them', () => {
  it('agrees with my_print_defaults on generated files, line for line (or both refuse the file)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'succession-options-'));
    let n = 0;
    fc.assert(
      fc.property(fileText, (text) => {
        const file = join(dir, `f${n++}.cnf`);
        writeFileSync(file, text);
        const env = { PATH: process.env.PATH, HOME: dir };
        const client = clientSays(env, { defaultsFile: file }, dir);
        const ours = weSay(env, { defaultsFile: file });
        expect(ours.status === 0).toBe(client.status === 0);
        if (client.status === 0) expect(ours.options).toEqual(client.options);
      }),
      { numRuns: 150 },
    );
  });

  it('agrees on the files read by default, --defaults-extra-file, --no-defaults and includes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'succession-options-'));
    const home = join(dir, 'home');
    mkdirSync(join(dir, 'conf.d'), { recursive: true });
    mkdirSync(home);
    writeFileSync(join(home, '.my.cnf'), `[client]\nuser=from-home\n!include ${join(dir, 'inc.cnf')}\n!includedir ${join(dir, 'conf.d')}\n`);
    writeFileSync(join(dir, 'inc.cnf'), '[succession]\npassword="from include"\n');
    writeFileSync(join(dir, 'conf.d', 'b.cnf'), '[client-mariadb]\nssl-ca=/b\n');
    writeFileSync(join(dir, 'conf.d', 'a.cnf'), '[client]\nssl-ca=/a\n');
    writeFileSync(join(dir, 'conf.d', 'c.txt'), '[client]\nssl-ca=/not-read\n');
    writeFileSync(join(dir, 'extra.cnf'), '[client]\nuser=from-extra\nhost=127.0.0.1\n');
    const env = { PATH: process.env.PATH, HOME: home };
    for (const sources of [{}, { defaultsExtraFile: join(dir, 'extra.cnf') }, { noDefaults: true }, { defaultsFile: join(home, '.my.cnf') }] as OptionSources[]) {
      const client = clientSays(env, sources, dir);
      expect(client.status).toBe(0);
      expect(weSay(env, sources).options).toEqual(client.options);
    }
    const last = lastValues(readOptions(env, { defaultsExtraFile: join(dir, 'extra.cnf') }));
    expect(last.get('user')?.value).toBe('from-home');
    expect(last.get('password')?.value).toBe('from include');
    expect(last.get('ssl-ca')?.value).toBe('/b');
    expect(last.get('host')?.value).toBe('127.0.0.1');
  });

  it('refuses what the client refuses: a named file that is missing, an !includedir that is not there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'succession-options-'));
    const env = { PATH: process.env.PATH, HOME: dir };
    const bad = join(dir, 'bad.cnf');
    writeFileSync(bad, `[client]\n!includedir ${join(dir, 'nowhere')}\n`);
    for (const sources of [{ defaultsFile: join(dir, 'missing.cnf') }, { defaultsExtraFile: join(dir, 'missing.cnf') }, { defaultsFile: bad }]) {
      expect(clientSays(env, sources, dir).status).not.toBe(0);
      expect(() => readOptions(env, sources)).toThrow(TopologyError);
    }
    expect(() => readOptions(env, { defaultsFile: bad })).toThrow(`${bad}:2: cannot read !includedir ${join(dir, 'nowhere')}: no such file or directory`);
  });
});

describe('login path file (~/.mylogin.cnf)', () => {
  it('reads [client] and the login path group, after the option files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'succession-login-'));
    writeFileSync(join(dir, '.my.cnf'), '[client]\nuser=from-my-cnf\n');
    writeFileSync(join(dir, '.mylogin.cnf'), loginFile('[client]\nuser = "login-client"\n[ops]\nuser = "oncall"\npassword = "pw#1"\nhost = "127.0.0.1"\n[other]\nuser = "x"\n'));
    const env = { HOME: dir };
    expect(lastValues(readOptions(env, { noDefaults: true })).get('user')?.value).toBe('login-client');
    const ops = lastValues(readOptions(env, { loginPath: 'ops' }));
    expect(ops.get('user')?.value).toBe('oncall');
    expect(ops.get('password')?.value).toBe('pw#1');
  });

  it('is read within the input bounds: a FIFO or a device is refused, not waited on', () => {
    const dir = mkdtempSync(join(tmpdir(), 'succession-login-'));
    spawnSync('mkfifo', [join(dir, 'fifo')]);
    expect(() => readOptions({ HOME: dir, MYSQL_TEST_LOGIN_FILE: join(dir, 'fifo') }, { noDefaults: true })).toThrow(/login path file .*fifo: it is a FIFO/);
    expect(() => readOptions({ HOME: dir, MYSQL_TEST_LOGIN_FILE: '/dev/zero' }, { noDefaults: true })).toThrow(/login path file \/dev\/zero: it is a character device/);
  });

  it('refuses a file that is not one, without showing its bytes', () => {
    expect(() => decryptLoginFile('/x/.mylogin.cnf', Buffer.from('[client]\npassword=secret\n'))).toThrow('/x/.mylogin.cnf: not a login path file');
    const bad = Buffer.concat([Buffer.alloc(24), Buffer.from([16, 0, 0, 0]), randomBytes(16)]);
    expect(() => decryptLoginFile('/x/.mylogin.cnf', bad)).toThrow(/^\/x\/\.mylogin\.cnf: not a login path file/);
  });
});
