/**
 * dial's FTP flags beside curl, against the in-process fake FTP server: -a
 * (APPE), -B and `;type=` (TYPE A), --crlf, --ftp-method, --disable-epsv,
 * --disable-eprt, the PASV address (--ftp-skip-pasv-ip) and --ftp-account.
 * Each compares what matters: the commands that carry the option, the bytes
 * stored or written, the exit code.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { accountServer, FakeFtpServer } from '../protocols/ftp/fake-server.js';
import { curl, dial, tempDir, type RunResult } from './helpers.js';
import { makeTestPKI } from '../interop/ca.js';

let ftp: FakeFtpServer;
before(async () => {
  ftp = await FakeFtpServer.start({ files: { '/pub/a/f.txt': 'one\r\ntwo\r\n' }, dirs: ['/up'] });
});
after(() => ftp?.close());

const base = (s: FakeFtpServer) => `ftp://127.0.0.1:${s.port}`;

async function run(tool: typeof dial, args: string[], key: RegExp, server = ftp): Promise<{ r: RunResult; sent: string[] }> {
  const from = server.commands.length;
  const r = await tool(['-s', ...args]);
  return { r, sent: server.commands.slice(from).filter((c) => key.test(c)) };
}

/** A local file to upload. */
function local(content: string): string {
  const p = join(tempDir(), 'up.txt');
  writeFileSync(p, content);
  return p;
}

test('-a appends (APPE) to the remote file, as curl', async () => {
  ftp.addFile('/up/d.txt', 'old\n');
  ftp.addFile('/up/c.txt', 'old\n');
  const f = local('new\n');
  const d = await run(dial, ['-a', '-T', f, `${base(ftp)}/up/d.txt`], /^(STOR|APPE)/);
  const c = await run(curl, ['-a', '-T', f, `${base(ftp)}/up/c.txt`], /^(STOR|APPE)/);
  assert.equal(d.r.code, 0, d.r.stderr);
  assert.deepEqual(d.sent, ['APPE d.txt']);
  assert.deepEqual(c.sent, ['APPE c.txt']);
  assert.equal(ftp.files.get('/up/d.txt')?.toString(), 'old\nnew\n');
  assert.deepEqual(ftp.files.get('/up/d.txt'), ftp.files.get('/up/c.txt'));
});

test('-B downloads in TYPE A, CRLF read as LF; ;type=A in the URL the same; ;type=I binary — each as curl', async () => {
  const cases: Array<[string[], string]> = [
    [['-B', `${base(ftp)}/pub/a/f.txt`], 'one\ntwo\n'],
    [[`${base(ftp)}/pub/a/f.txt;type=A`], 'one\ntwo\n'],
    [[`${base(ftp)}/pub/a/f.txt;type=I`], 'one\r\ntwo\r\n'],
    // A name before ;type=D is listed by dial (NLST name, RFC 1738); curl lists the directory it is in: compared on a directory URL.
    [[`${base(ftp)}/pub/a/;type=D`], 'f.txt\n'],
  ];
  for (const [args, want] of cases) {
    const d = await run(dial, args, /^TYPE/);
    const c = await run(curl, args, /^TYPE/);
    assert.equal(d.r.code, 0, d.r.stderr);
    assert.equal(d.r.out, want, args.join(' '));
    assert.equal(d.r.out, c.r.out, args.join(' '));
    assert.equal(d.sent.at(-1), c.sent.at(-1), args.join(' '));
  }
});

test('-B uploads in TYPE A, each LF sent as CRLF, as curl', async () => {
  const f = local('a\nb\n');
  const d = await run(dial, ['-B', '-T', f, `${base(ftp)}/up/bd.txt`], /^TYPE/);
  const c = await run(curl, ['-B', '-T', f, `${base(ftp)}/up/bc.txt`], /^TYPE/);
  assert.equal(d.r.code, 0, d.r.stderr);
  assert.deepEqual(d.sent, ['TYPE A']);
  assert.deepEqual(c.sent, ['TYPE A']);
  assert.equal(ftp.files.get('/up/bd.txt')?.toString(), 'a\r\nb\r\n');
  assert.deepEqual(ftp.files.get('/up/bd.txt'), ftp.files.get('/up/bc.txt'));
});

test('--crlf: every LF of the upload goes as CRLF, one after a CR too, in TYPE I, as curl', async () => {
  const f = local('a\nb\r\nc');
  const d = await run(dial, ['--crlf', '-T', f, `${base(ftp)}/up/rd.txt`], /^TYPE/);
  const c = await run(curl, ['--crlf', '-T', f, `${base(ftp)}/up/rc.txt`], /^TYPE/);
  assert.equal(d.r.code, 0, d.r.stderr);
  assert.deepEqual(d.sent, c.sent);
  assert.equal(ftp.files.get('/up/rd.txt')?.toString(), 'a\r\nb\r\r\nc');
  assert.deepEqual(ftp.files.get('/up/rd.txt'), ftp.files.get('/up/rc.txt'));
});

test('--ftp-method multicwd, singlecwd, nocwd: the CWDs and the path in RETR and LIST, as curl', async () => {
  const key = /^(CWD|RETR|LIST|SIZE)/;
  for (const method of ['multicwd', 'singlecwd', 'nocwd']) {
    for (const path of ['/pub/a/f.txt', '/pub/a/', '/%2Fpub/a/f.txt']) {
      const args = ['--ftp-method', method, `${base(ftp)}${path}`];
      const d = await run(dial, args, key);
      const c = await run(curl, args, key);
      assert.equal(d.r.code, 0, d.r.stderr);
      assert.equal(d.r.out, c.r.out, `${method} ${path}`);
      // multicwd of /%2Fpub: dial's first CWD is /pub where curl sends CWD / then CWD pub — the same directory.
      const curlSent = c.sent.join(' | ').replace('CWD / | CWD pub', 'CWD /pub');
      assert.equal(d.sent.join(' | '), curlSent, `${method} ${path}`);
    }
  }
});

test('--ftp-method with a name curl does not know: its warning, and the default', async () => {
  const d = await run(dial, ['--ftp-method', 'sometimes', `${base(ftp)}/pub/a/f.txt`], /^CWD/);
  const c = await run(curl, ['--ftp-method', 'sometimes', `${base(ftp)}/pub/a/f.txt`], /^CWD/);
  assert.equal(d.r.code, 0, d.r.stderr);
  assert.deepEqual(d.sent, ['CWD pub', 'CWD a']);
  assert.deepEqual(d.sent, c.sent);
  const warned = await dial(['--ftp-method', 'sometimes', '-o', '/dev/null', '--no-progress-meter', `${base(ftp)}/pub/a/f.txt`]);
  assert.match(warned.stderr, /^Warning: unrecognized ftp file method 'sometimes', using default$/m);
});

test('--disable-epsv: PASV only; --epsv after it: EPSV again — as curl', async () => {
  for (const args of [['--disable-epsv'], ['--disable-epsv', '--epsv'], ['--disable-epsv', '--no-disable-epsv']]) {
    const d = await run(dial, [...args, `${base(ftp)}/pub/a/f.txt`], /^(EPSV|PASV)/);
    const c = await run(curl, [...args, `${base(ftp)}/pub/a/f.txt`], /^(EPSV|PASV)/);
    assert.equal(d.r.code, 0, d.r.stderr);
    assert.deepEqual(d.sent, c.sent, args.join(' '));
  }
});

test('-P -: EPRT first over IPv4, as curl; --disable-eprt: PORT', async () => {
  for (const args of [['-P', '-'], ['-P', '-', '--disable-eprt'], ['-P', '-', '--disable-eprt', '--eprt']]) {
    const d = await run(dial, [...args, `${base(ftp)}/pub/a/f.txt`], /^(EPRT|PORT) /);
    const c = await run(curl, [...args, `${base(ftp)}/pub/a/f.txt`], /^(EPRT|PORT) /);
    assert.equal(d.r.code, 0, d.r.stderr);
    assert.equal(d.r.out, 'one\r\ntwo\r\n');
    assert.deepEqual(d.sent.map((s) => s.split(' ')[0]), c.sent.map((s) => s.split(' ')[0]), args.join(' '));
  }
});

test('a PASV reply naming another address: the control host is used (--ftp-skip-pasv-ip, curl 7.88 default); --no-ftp-skip-pasv-ip refuses it (exit 8)', async () => {
  const far = await FakeFtpServer.start({ files: { '/f': 'far' }, noEpsv: true, pasvAddress: '192.0.2.7' });
  try {
    for (const args of [[], ['--ftp-skip-pasv-ip']]) {
      const d = await run(dial, [...args, `${base(far)}/f`], /^PASV/, far);
      const c = await run(curl, [...args, `${base(far)}/f`], /^PASV/, far);
      assert.equal(d.r.code, 0, d.r.stderr);
      assert.equal(d.r.out, 'far');
      assert.equal(d.r.out, c.r.out);
    }
    const refused = await dial(['-sS', '--no-ftp-skip-pasv-ip', `${base(far)}/f`]);
    assert.equal(refused.code, 8, refused.stderr);
    assert.match(refused.stderr, /192\.0\.2\.7/);
  } finally {
    await far.close();
  }
});

test('--ftp-account: ACCT answers the 332 at login, as curl; without it exit 67 as curl', async () => {
  const acct = await accountServer({ '/f': 'acct' });
  try {
    const url = `ftp://u:p@127.0.0.1:${acct.port}/f`;
    const d = await run(dial, ['--ftp-account', 'acme', url], /^ACCT/, acct);
    const c = await run(curl, ['--ftp-account', 'acme', url], /^ACCT/, acct);
    assert.equal(d.r.code, 0, d.r.stderr);
    assert.equal(d.r.out, 'acct');
    assert.equal(d.r.out, c.r.out);
    assert.deepEqual(d.sent, ['ACCT acme']);
    assert.deepEqual(d.sent, c.sent);
    const dn = await dial(['-s', url]);
    const cn = await curl(['-s', url]);
    assert.equal(dn.code, cn.code);
    assert.equal(dn.code, 67);
  } finally {
    await acct.close();
  }
});

test('--ftp-alternative-to-user: sent when USER is refused, then PASS, as curl', async () => {
  const alt = await FakeFtpServer.start({
    files: { '/f': 'alt' },
    users: { 'u@fw': 'p' },
    hooks: { USER: (a, s) => (a === 'u' ? (s.reply(530, 'Not here.'), true) : false) },
  });
  try {
    const url = `ftp://u:p@127.0.0.1:${alt.port}/f`;
    const d = await run(dial, ['--ftp-alternative-to-user', 'USER u@fw', url], /^(USER|PASS)/, alt);
    const c = await run(curl, ['--ftp-alternative-to-user', 'USER u@fw', url], /^(USER|PASS)/, alt);
    assert.equal(d.r.code, 0, d.r.stderr);
    assert.equal(d.r.out, 'alt');
    assert.deepEqual(d.sent, ['USER u', 'USER u@fw', 'PASS p']);
    assert.deepEqual(d.sent, c.sent);
  } finally {
    await alt.close();
  }
});

test('--ssl: AUTH TLS when the server takes it (PBSZ/PROT P, data over TLS), the clear when it refuses — as curl; --ssl-reqd: exit 64 there', async () => {
  const pki = makeTestPKI();
  const secure = await FakeFtpServer.start({ authTls: { cert: pki.server.cert, key: pki.server.key }, files: { '/f': 'over tls\n' } });
  try {
    for (const tool of [dial, curl]) {
      const mark = secure.commands.length;
      const r = await tool(['-sS', '--ssl', '--cacert', pki.ca.certPath, `${base(secure)}/f`]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.out, 'over tls\n');
      const sent = secure.commands.slice(mark);
      assert.ok(sent.includes('AUTH TLS') && sent.includes('PROT P'), sent.join(' | '));
    }
    const d = await run(dial, ['--ssl', `${base(ftp)}/pub/a/f.txt`], /^(AUTH|PBSZ|PROT)/);
    const c = await run(curl, ['--ssl', `${base(ftp)}/pub/a/f.txt`], /^(AUTH|PBSZ|PROT)/);
    assert.equal(d.r.code, 0, d.r.stderr);
    assert.equal(d.r.out, c.r.out);
    assert.equal(c.r.code, 0);
    // curl 7.88 tries the legacy AUTH SSL before AUTH TLS; dial sends RFC 4217's AUTH TLS only. Neither protects a refused session.
    assert.deepEqual(d.sent, ['AUTH TLS']);
    assert.deepEqual(c.sent, ['AUTH SSL', 'AUTH TLS']);
    for (const tool of [dial, curl]) assert.equal((await tool(['-s', '--ssl-reqd', `${base(ftp)}/pub/a/f.txt`])).code, 64);
  } finally {
    await secure.close();
    pki.cleanup();
  }
});

test('-P ADDRESS[:PORTS]: active FTP listens (and EPRT announces) there — an IP, an interface name or a host name — as curl', async () => {
  const cases: Array<[string, RegExp]> = [
    ['127.0.0.2', /^EPRT \|1\|127\.0\.0\.2\|\d+\|$/],
    ['127.0.0.3:40100-40110', /^EPRT \|1\|127\.0\.0\.3\|401(0\d|10)\|$/],
    ['lo', /^EPRT \|1\|127\.0\.0\.1\|\d+\|$/],
    ['localhost', /^EPRT \|1\|(127\.0\.0\.1\||2\|::1\|)\d+\|$/],
  ];
  for (const [p, want] of cases) {
    for (const tool of [dial, curl]) {
      const r = await run(tool, ['-P', p, `${base(ftp)}/pub/a/f.txt`], /^(EPRT|PORT)/);
      assert.equal(r.r.code, 0, `${p}: ${r.r.stderr}`);
      assert.equal(r.r.out, 'one\r\ntwo\r\n');
      assert.match(r.sent[0] ?? '', want, `${p}: ${r.sent.join(' | ')}`);
    }
  }
});

test('-P a name that does not resolve is exit 30 as curl; an address not of this host is 30 (curl 7.88: 10, after announcing it); a bad port range is 2', async () => {
  const url = `${base(ftp)}/pub/a/f.txt`;
  const d = await dial(['-sS', '-P', 'nosuch.invalid', url]);
  assert.equal(d.code, 30, d.stderr);
  assert.equal((await curl(['-sS', '-P', 'nosuch.invalid', url])).code, 30);
  const far = await dial(['-sS', '-P', '192.0.2.1', url]);
  assert.equal(far.code, 30, far.stderr);
  assert.match(far.stderr, /listening for the active data connection on 192\.0\.2\.1/);
  for (const bad of ['127.0.0.1:0', '127.0.0.1:70000', '127.0.0.1:5-4', '127.0.0.1:x']) assert.equal((await dial(['-sS', '-P', bad, url])).code, 2, bad);
});

test("-P an interface name listens on its address of the control connection's family, as curl: lo over IPv6 is ::1 (127.0.0.1 there hung — the server's connection came from another address)", async () => {
  const v6 = await FakeFtpServer.start({ host: '::1', files: { '/f': 'over v6\n' } });
  try {
    for (const tool of [dial, curl]) {
      const r = await run(tool, ['-S', '--max-time', '10', '-P', 'lo', `ftp://[::1]:${v6.port}/f`], /^(EPRT|PORT)/, v6);
      assert.equal(r.r.code, 0, r.r.stderr);
      assert.equal(r.r.out, 'over v6\n');
      assert.match(r.sent[0] ?? '', /^EPRT \|2\|::1\|\d+\|$/, r.sent.join(' | '));
    }
  } finally {
    await v6.close();
  }
});

test('-P an address of the other IP family than the control connection: exit 30 at once (it waited out the timeout for a connection it refused)', async () => {
  const six = await FakeFtpServer.start({ host: '::1', files: { '/f': 'six\n' } });
  try {
    const r = await dial(['-sS', '--connect-timeout', '20', '-P', '127.0.0.1', `ftp://[::1]:${six.port}/f`]);
    assert.equal(r.code, 30, r.stderr);
    assert.match(r.stderr, /IPv4 but the control connection is IPv6/);
    assert.ok(!six.commands.some((c) => /^(PORT|EPRT|RETR)/.test(c)), six.commands.join(' | '));
    const same = await dial(['-sS', '-P', '::1', `ftp://[::1]:${six.port}/f`]);
    assert.equal(same.code, 0, same.stderr);
    assert.equal(same.out, 'six\n');
  } finally {
    await six.close();
  }
});
