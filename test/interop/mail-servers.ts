/**
 * The real mail servers of the interop suite, each in its own temp dir on
 * free loopback ports, with a config the repo ships (test/interop/config):
 *
 * - dovecot (POP3): STLS on `ports[0]`, implicit TLS on `ports[1]`; users in
 *   a passwd-file, mail in `<dir>/home/<user>/Maildir`.
 * - exim (SMTP): STARTTLS on `port`; every listed mailbox at `domain` is
 *   delivered to the maildir `<dir>/mail/<mailbox>`.
 *
 * When the suite runs as root, each server runs as its package's own system
 * user (the harness hands it the temp dir), so neither holds root privilege
 * and neither reads /etc/dovecot, /etc/exim4 or writes /var.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { CONFIG_DIR, requireBinary, startServer, type RunningServer, type ServerContext } from './harness.js';
import type { TestPKI } from './ca.js';
import { serverFixture, type ServerFixture } from '../helpers/server-fixture.js';

/** The unprivileged identity a server runs as: its package's user when we are root, else ourselves. */
function identity(ctx: ServerContext, systemUser: string): { user: string; group: string; uid: number; gid: number } {
  if (ctx.uid !== undefined) {
    const group = groupName(ctx.gid ?? ctx.uid) ?? systemUser;
    return { user: systemUser, group, uid: ctx.uid, gid: ctx.gid ?? ctx.uid };
  }
  const me = userInfo();
  return { user: me.username, group: groupName(me.gid) ?? me.username, uid: me.uid, gid: me.gid };
}

function groupName(gid: number): string | undefined {
  let text = '';
  try {
    text = readFileSync('/etc/group', 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length >= 3 && Number(f[2]) === gid) return f[0];
  }
  return undefined;
}

/**
 * Fails with the cause when /dev/null is not the null device. dovecot,
 * running unprivileged, opens it for writing and dies on a root-owned file
 * ("open(/dev/null) failed: Permission denied"); a program run as root that
 * writes its output to a temp file and renames it over the target turns
 * /dev/null into one.
 */
export function requireDevNull(): void {
  const st = statSync('/dev/null');
  if (!st.isCharacterDevice()) {
    throw new Error(
      `interop: /dev/null is a ${st.isFile() ? `regular file (${st.size} bytes)` : 'non-device'}, not the null device: something running as root ` +
        'replaced it (a rename onto it). Restore it as root: rm /dev/null && mknod -m 666 /dev/null c 1 3',
    );
  }
}

/** The server's certificate and key, copied into its dir: the PKI dir is private to the test process. */
function tlsFiles(pki: TestPKI): Record<string, string> {
  return { 'tls/server.crt': readFileSync(pki.serverChainPath, 'utf8'), 'tls/server.key': pki.server.key };
}

export interface Pop3Server extends RunningServer {
  /** The maildir of `user` (holding cur/, new/, tmp/). */
  maildir(user: string): string;
}

/** A POP3 mailbox to create: its password and messages (stored as given, LF line endings). */
export interface Mailbox {
  password: string;
  messages: (string | Uint8Array)[];
}

/**
 * dovecot serving POP3 for `mailboxes`. Each message is stored in the user's
 * maildir `cur/`, in the order given (so it is message n+1 in a POP3 session).
 */
export async function startDovecot(pki: TestPKI, mailboxes: Record<string, Mailbox>): Promise<Pop3Server> {
  requireBinary('/usr/lib/dovecot/pop3', 'dovecot-pop3d');
  requireDevNull();
  const srv = await startServer({
    name: 'dovecot',
    command: 'dovecot',
    ports: 2,
    user: 'dovecot',
    config: {
      template: 'dovecot.conf',
      vars: (ctx) => {
        const id = identity(ctx, 'dovecot');
        return { user: id.user, group: id.group, uid: id.uid, gid: id.gid };
      },
    },
    files: (ctx) => {
      const id = identity(ctx, 'dovecot');
      const files: Record<string, string | Uint8Array> = { ...tlsFiles(pki) };
      let users = '';
      for (const [name, box] of Object.entries(mailboxes)) {
        const home = join(ctx.dir, 'home', name);
        users += `${name}:{PLAIN}${box.password}:${id.uid}:${id.gid}::${home}\n`;
        // Maildir names sort by their leading time stamp: that order is the POP3 message order.
        box.messages.forEach((m, i) => {
          files[`home/${name}/Maildir/cur/${1_700_000_000 + i}.M${i}P1.dialtone:2,`] = m;
        });
        for (const sub of ['new', 'tmp']) files[`home/${name}/Maildir/${sub}/.keep`] = '';
      }
      files['users'] = users;
      return files;
    },
    args: (ctx) => ['-F', '-c', ctx.configPath!],
    timeout: 15_000,
    // A SIGTERM that lands while dovecot is still forking its services goes unheeded.
    stopTimeout: 1000,
  });
  return { ...srv, maildir: (user: string) => join(srv.dir, 'home', user, 'Maildir') };
}

/** Call inside a `describe`: dovecot serving `mailboxes` for its tests, with a fresh PKI, gone after them. */
export function dovecotFixture(mailboxes: Record<string, Mailbox>): ServerFixture<Pop3Server> {
  return serverFixture((pki) => startDovecot(pki, mailboxes));
}

export interface SmtpServer extends RunningServer {
  /** The domain whose mailboxes the server accepts. */
  domain: string;
  /** The files delivered to `mailbox` so far (maildir new/), oldest first, as bytes. */
  delivered(mailbox: string): Buffer[];
}

/**
 * exim accepting mail for `mailboxes`@`domain` over SMTP with STARTTLS, and
 * relaying nothing. Deliveries happen in the background after the 250 to the
 * final dot: wait for them with {@link waitForDelivery}.
 */
export function startExim(pki: TestPKI, mailboxes: string[], domain = 'mail.test'): Promise<SmtpServer> {
  return runExim(pki, 'exim.conf', { domain, mailboxes: mailboxes.join(' : ') });
}

/** exim from `template` (a name in CONFIG_DIR or a path) with `vars`, its maildirs readable through `delivered`. */
async function runExim(pki: TestPKI, template: string, vars: { domain: string } & Record<string, string>): Promise<SmtpServer> {
  const srv = await startServer({
    name: 'exim',
    command: 'exim4',
    user: 'Debian-exim',
    config: { template, vars },
    files: () => ({ ...tlsFiles(pki) }),
    // -bdf: the listening daemon stays in the foreground; -odf: each message is delivered before its process ends.
    args: (ctx) => ['-C', ctx.configPath!, '-bdf', '-odf'],
    timeout: 15_000,
  });
  const delivered = (mailbox: string): Buffer[] => {
    const dir = join(srv.dir, 'mail', mailbox, 'new');
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return [];
    }
    // Exim's maildir names start with the delivery time in seconds, then a microsecond part.
    return names.sort(byMaildirTime).map((n) => readFileSync(join(dir, n)));
  };
  return { ...srv, domain: vars.domain, delivered };
}

function byMaildirTime(a: string, b: string): number {
  const key = (n: string) => {
    const m = /^(\d+)\.M(\d+)/.exec(n);
    return m ? Number(m[1]) * 1e6 + Number(m[2]) : 0;
  };
  return key(a) - key(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Polls until `mailbox` holds at least `count` messages, for at most `timeout` ms. */
export async function waitForDelivery(srv: SmtpServer, mailbox: string, count: number, timeout = 10_000): Promise<Buffer[]> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const got = srv.delivered(mailbox);
    if (got.length >= count) return got;
    if (Date.now() >= deadline) {
      throw new Error(`exim delivered ${got.length} of ${count} message(s) to ${mailbox} within ${timeout} ms\n${srv.diagnostics()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A login exim accepts with {@link startEximWithAuth}. */
export interface EximLogin {
  /** Letters, digits, '@', '.', '-' only: the value lands inside exim's config. */
  user: string;
  password: string;
  /** An OAuth 2.0 token (the same characters) that logs `user` in with OAUTHBEARER or XOAUTH2. */
  token?: string;
}

/**
 * The same exim as {@link startExim}, plus AUTH PLAIN and LOGIN for one
 * login, offered only once TLS is up (as a real submission server does). The
 * config is exim.conf with an authenticators section appended, written to a
 * private temp dir that is removed once the server has read it.
 */
export async function startEximWithAuth(pki: TestPKI, mailboxes: string[], login: EximLogin, domain = 'mail.test'): Promise<SmtpServer> {
  const safe = (s: string) => /^[A-Za-z0-9@.-]{1,64}$/.test(s);
  if (!safe(login.user) || !safe(login.password) || (login.token !== undefined && !safe(login.token))) throw new Error('startEximWithAuth: user, password and token must match [A-Za-z0-9@.-]{1,64}');
  // exim has no OAuth driver: a plaintext one with one empty prompt takes the whole decoded message as $auth1,
  // matched here byte for byte (\x01 separators; PCRE between \N…\N) against the user and the token.
  const escape = (v: string) => v.replace(/[.]/g, '\\.');
  const bearer = login.token === undefined ? [] : [
    '',
    'oauthbearer:',
    '  driver = plaintext',
    '  public_name = OAUTHBEARER',
    '  server_prompts = :',
    `  server_condition = \${if match{$auth1}{\\N^n,a=${escape(login.user)},\\x01host=[^\\x01]*\\x01port=[0-9]+\\x01auth=Bearer ${escape(login.token)}\\x01\\x01$\\N}}`,
    '  server_set_id = {{auth_user}}',
    '  server_advertise_condition = ${if def:tls_in_cipher}',
    '',
    'xoauth2:',
    '  driver = plaintext',
    '  public_name = XOAUTH2',
    '  server_prompts = :',
    `  server_condition = \${if match{$auth1}{\\N^user=${escape(login.user)}\\x01auth=Bearer ${escape(login.token)}\\x01\\x01$\\N}}`,
    '  server_set_id = {{auth_user}}',
    '  server_advertise_condition = ${if def:tls_in_cipher}',
  ];
  const tmp = mkdtempSync(join(tmpdir(), 'dialtone-exim-auth-'));
  const template = join(tmp, 'exim.conf');
  writeFileSync(
    template,
    readFileSync(join(CONFIG_DIR, 'exim.conf'), 'utf8') +
      [
        '',
        'begin authenticators',
        '',
        'plain:',
        '  driver = plaintext',
        '  public_name = PLAIN',
        '  server_prompts = :',
        '  server_condition = ${if eq{$auth2:$auth3}{{{auth_user}}:{{auth_password}}}}',
        '  server_advertise_condition = ${if def:tls_in_cipher}',
        '',
        'login:',
        '  driver = plaintext',
        '  public_name = LOGIN',
        '  server_prompts = Username:: : Password::',
        '  server_condition = ${if eq{$auth1:$auth2}{{{auth_user}}:{{auth_password}}}}',
        '  server_advertise_condition = ${if def:tls_in_cipher}',
        ...bearer,
        '',
      ].join('\n'),
  );
  try {
    return await runExim(pki, template, { domain, mailboxes: mailboxes.join(' : '), auth_user: login.user, auth_password: login.password });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Call inside a `describe`: exim for `mailboxes` ({@link startExim}, or
 * {@link startEximWithAuth} when `auth` is given) with a fresh PKI, up for
 * the block's tests and gone after them.
 */
export function eximFixture(mailboxes: string[], opts: { auth?: EximLogin; domain?: string } = {}): ServerFixture<SmtpServer> {
  return serverFixture((pki) => (opts.auth ? startEximWithAuth(pki, mailboxes, opts.auth, opts.domain) : startExim(pki, mailboxes, opts.domain)));
}
