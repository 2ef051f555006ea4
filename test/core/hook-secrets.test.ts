import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactSecrets, secretSpans } from '../../src/policy/hook-secrets.js';

const SECRET = 'Zq9#x';

describe('secretSpans / redactSecrets', () => {
  const found: [string, string][] = [
    [`/usr/bin/mysql -uroot -p${SECRET} -e "SET GLOBAL read_only=1"`, '-p…'],
    [`mysqladmin --password=${SECRET} shutdown`, '--password=…'],
    [`mariadb --pass=${SECRET} -e 'select 1'`, '--password=…'],
    [`mysqlsh --password ${SECRET} --uri root@db1`, '--password …'],
    [`/opt/hook.sh --password="${SECRET}"`, '--password=…'],
    [`MYSQL_PWD=${SECRET} mysql -uroot -e 'stop slave'`, 'NAME=…'],
    [`env DB_PASSWORD='${SECRET}' /opt/notify.sh`, 'NAME=…'],
    [`curl -fsS https://ops:${SECRET}@hooks.example.com/failover`, 'user:password@ in a URL'],
    [`ssh db1 sudo mysql -p'${SECRET}' -e 'stop slave'`, '-p…'],
    [`mysql '-p${SECRET}' -e 'stop slave'`, '-p…'],
    [`"MYSQL_PWD=${SECRET}" mysql -e 'stop slave'`, 'NAME=…'],
  ];
  for (const [command, kind] of found) {
    it(`finds ${kind} in ${JSON.stringify(command)} and hides it`, () => {
      expect(secretSpans(command).map((s) => s.kind)).toEqual([kind]);
      const shown = redactSecrets(command);
      expect(shown).not.toContain(SECRET);
      expect(shown).toContain('***');
    });
  }

  const clean = [
    '/usr/bin/mysql --defaults-extra-file=/etc/mysql/hook.cnf -e "SET GLOBAL read_only=1"',
    'mysql -p -uroot',
    'mysql -p"$MYSQL_PASSWORD" -uroot',
    'MYSQL_PWD=$HOOK_PW mysql -uroot',
    'MYSQL_PWD="${HOOK_PW}" mysql -uroot',
    'ssh -p2222 db1 /opt/fence.sh {failedHost}',
    'mysql -uroot -e "select 1"; scp -p2222 x db1:/tmp',
    '/opt/hook.sh --password-file=/etc/hook.pw',
    'PASSWORD_FILE=/etc/pw /opt/hook.sh',
    'curl https://hooks.example.com/x?at=a:b@c',
    'curl https://$USER:$PW@hooks.example.com/x',
    'PWD=/tmp /opt/hook.sh',
  ];
  for (const command of clean) {
    it(`finds nothing in ${JSON.stringify(command)}`, () => {
      expect(secretSpans(command)).toEqual([]);
      expect(redactSecrets(command)).toBe(command);
    });
  }

  it('never shows a password, whatever surrounds it', () => {
    // why: upper case and at least six characters, so the secret cannot occur by chance in the rest of the command.
    const secret = fc.stringMatching(/^[A-Z0-9#%^*!]{6,12}$/);
    const around = fc.constantFrom('', ' ', ' -e "select 1"', '; /bin/true', ' {failedHost}');
    fc.assert(
      fc.property(secret, around, fc.constantFrom('mysql -p%s', 'mysql --password=%s', 'MYSQL_PWD=%s mysql', 'mysqlsh --password %s', 'curl http://u:%s@h/x'), (s, tail, form) => {
        const command = form.replace('%s', s) + tail;
        expect(secretSpans(command)).toHaveLength(1);
        expect(redactSecrets(command)).not.toContain(s);
      }),
    );
  });
});
