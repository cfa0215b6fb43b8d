// End-to-end: dial against TLS, Unix-socket, FTP and Gopher loopback servers
// (the flags that reach past plain HTTP: -k, --cacert, --cert, --unix-socket,
// -u for FTP, -l, -T to FTP, and curl's exit codes for their failures).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { FakeFtpServer } from '../protocols/ftp/fake-server.js';
import { freeRange, makeTree, startVsftpd } from '../interop/ftp-helpers.js';
import { startServer as startInterop, type RunningServer } from '../interop/harness.js';
import { makeTestPKI, type TestPKI } from '../interop/ca.js';
import { gopherServer, type GopherFixture } from '../protocols/gopher/server.js';
import { CURL, curl, dial, MAIN, makePki, runCommand, startTlsServer, tempDir, type Pki, type TlsTestServer } from './helpers.js';

let pki: Pki | undefined;
let tls: TlsTestServer | undefined;
let tlsPort = 0;
let sawClientCert = false;
before(async () => {
  pki = makePki();
  if (!pki) return;
  tls = await startTlsServer(
    pki,
    (req, res) => {
      sawClientCert = (req.socket as import('node:tls').TLSSocket).getPeerCertificate()?.subject?.CN === 'client';
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 7 });
      res.end('secure\n');
    },
    { ca: readFileSync(pki.caCert), requestCert: true, rejectUnauthorized: false },
  );
  tlsPort = tls.port;
});
after(async () => {
  await tls?.close();
});

const noPki = () => !pki && 'openssl not available';

test('https with an untrusted certificate is exit 60, as curl', async (t) => {
  assert.ok(!noPki(), 'openssl is needed to make the test CA (scripts/install-servers.sh installs it)');
  const url = `https://localhost:${tlsPort}/`;
  const r = await dial(['--resolve', `localhost:${tlsPort}:127.0.0.1`, url]);
  assert.equal(r.code, 60, r.stderr);
  if (CURL) assert.equal((await curl(['-s', '--resolve', `localhost:${tlsPort}:127.0.0.1`, url])).code, 60);
});

test('-k skips verification; --cacert trusts the test CA', async (t) => {
  assert.ok(!noPki(), 'openssl is needed to make the test CA (scripts/install-servers.sh installs it)');
  const url = `https://localhost:${tlsPort}/`;
  const pin = ['--resolve', `localhost:${tlsPort}:127.0.0.1`];
  const k = await dial([...pin, '-k', url]);
  assert.equal(k.code, 0, k.stderr);
  assert.equal(k.out, 'secure\n');
  const ca = await dial([...pin, '--cacert', pki!.caCert, url]);
  assert.equal(ca.code, 0, ca.stderr);
  const wrong = await dial([...pin, '--cacert', pki!.otherCaCert, url]);
  assert.equal(wrong.code, 60);
});

test('--cert/--key present a client certificate', async (t) => {
  assert.ok(!noPki(), 'openssl is needed to make the test CA (scripts/install-servers.sh installs it)');
  sawClientCert = false;
  const r = await dial(['--cacert', pki!.caCert, '--cert', pki!.clientCert, '--key', pki!.clientKey, `https://127.0.0.1:${tlsPort}/`]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(sawClientCert);
});

test('https to a plain-HTTP port is a TLS failure (35)', async () => {
  const srv = http.createServer((_q, s) => s.end('plain'));
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  try {
    const r = await dial(['-k', `https://127.0.0.1:${(srv.address() as AddressInfo).port}/`]);
    assert.equal(r.code, 35, r.stderr);
  } finally {
    srv.closeAllConnections();
    srv.close();
  }
});

test('--unix-socket talks HTTP over a Unix socket', async () => {
  const path = join(tempDir(), 's.sock');
  const srv = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Length': String(req.url!.length + 1) });
    res.end(`${req.url}\n`);
  });
  srv.listen(path);
  await once(srv, 'listening');
  try {
    const r = await dial(['--unix-socket', path, 'http://localhost/over/unix']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.out, '/over/unix\n');
  } finally {
    srv.closeAllConnections();
    srv.close();
  }
});

let ftp: FakeFtpServer;
let gopher: GopherFixture;
before(async () => {
  ftp = await FakeFtpServer.start({ files: { '/pub/a.txt': 'ftp file\n', '/pub/b.txt': 'bee\n' }, users: { alice: 'pw' }, dirs: ['/up'] });
  gopher = await gopherServer({
    '/doc': 'gopher text\r\n.\r\n',
    '': `iWelcome\t\terror.host\t1\r\n0About\t/doc\t127.0.0.1\t70\r\n.\r\n`,
  });
});
after(async () => {
  await ftp.close();
  await gopher.close();
});

const ftpUrl = (p: string) => `ftp://127.0.0.1:${ftp.port}${p}`;

test('ftp: download with -u; the password is masked in -v', async () => {
  const r = await dial(['-v', '-u', 'alice:pw', ftpUrl('/pub/a.txt')]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.out, 'ftp file\n');
  assert.match(r.stderr, /^> PASS \*\*\*\*$/m);
  assert.match(r.stderr, /^> USER alice$/m);
});

test('ftp: -w connection facts as curl (remote_ip, remote_port, local_ip, num_connects with the data connection); times in order', async () => {
  const w = ['-s', '-o', '/dev/null', '-u', 'alice:pw', '-w', '%{remote_ip} %{remote_port} %{local_ip} %{http_version} %{time_appconnect} %{num_connects}\\n'];
  const [a, b] = await Promise.all([dial([...w, ftpUrl('/pub/a.txt')]), curl([...w, ftpUrl('/pub/a.txt')])]);
  assert.equal(a.code, b.code, a.stderr);
  assert.equal(a.out, b.out);
  const t = await dial(['-s', '-o', '/dev/null', '-u', 'alice:pw', '-w', '%{time_namelookup} %{time_connect} %{time_pretransfer} %{time_starttransfer} %{time_total}', ftpUrl('/pub/a.txt')]);
  const n = t.out.split(' ').map(Number);
  for (let i = 1; i < n.length; i++) assert.ok(n[i - 1]! <= n[i]!, t.out);
  assert.ok(n[1]! > 0, t.out);
});

test('ftp: a refused login is exit 67, a missing file 78 (curl)', async () => {
  assert.equal((await dial(['-u', 'alice:wrong', ftpUrl('/pub/a.txt')])).code, 67);
  const r = await dial(['-u', 'alice:pw', ftpUrl('/pub/missing.txt')]);
  assert.equal(r.code, 78, r.stderr);
});

test('ftp: -l lists names only', async () => {
  const r = await dial(['-l', '-u', 'alice:pw', ftpUrl('/pub/')]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.out.trim().split(/\r?\n/).sort(), ['a.txt', 'b.txt']);
});

test('ftp: -T uploads with STOR, naming the file after the local one', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'new.txt'), 'uploaded\n');
  const r = await dial(['-u', 'alice:pw', '-T', join(dir, 'new.txt'), ftpUrl('/up/')]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(ftp.files.get('/up/new.txt')?.toString(), 'uploaded\n');
});

test('ftp: --ftp-create-dirs makes the upload’s missing directories, as curl; without it both exit 9', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'f.txt'), 'deep\n');
  const up = (who: string) => ftpUrl(`/up/${who}/x/y/f.txt`);
  const [a, b] = await Promise.all([dial(['-sS', '-u', 'alice:pw', '-T', join(dir, 'f.txt'), up('d1')]), curl(['-sS', '-u', 'alice:pw', '-T', join(dir, 'f.txt'), up('c1')])]);
  assert.equal(a.code, 9, a.stderr);
  assert.equal(a.code, b.code);
  const flags = ['-sS', '--ftp-create-dirs', '-u', 'alice:pw', '-T', join(dir, 'f.txt')];
  const [c, d] = await Promise.all([dial([...flags, up('d2')]), curl([...flags, up('c2')])]);
  assert.equal(c.code, 0, c.stderr);
  assert.equal(d.code, 0, d.stderr);
  assert.equal(ftp.files.get('/up/d2/x/y/f.txt')?.toString(), 'deep\n');
  assert.equal(ftp.files.get('/up/c2/x/y/f.txt')?.toString(), 'deep\n');
});

test('ftp: -P - downloads in active mode (PORT/EPRT), as curl; a later --ftp-pasv goes back to passive', async () => {
  const before = ftp.commands.length;
  const r = await dial(['-sS', '-P', '-', '-u', 'alice:pw', ftpUrl('/pub/a.txt')]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.out, 'ftp file\n');
  const c = await curl(['-sS', '-P', '-', '-u', 'alice:pw', ftpUrl('/pub/a.txt')]);
  assert.equal(c.out, r.out, c.stderr);
  const sent = ftp.commands.slice(before);
  assert.ok(sent.some((c) => /^(PORT|EPRT) /.test(c)), sent.join(' | '));
  assert.ok(!sent.some((c) => /^(EPSV|PASV)/.test(c)));
  const mark = ftp.commands.length;
  assert.equal((await dial(['-sS', '-P', '-', '--ftp-pasv', '-u', 'alice:pw', ftpUrl('/pub/a.txt')])).out, 'ftp file\n');
  assert.ok(ftp.commands.slice(mark).some((c) => /^(EPSV|PASV)/.test(c)));
  // -P with an address listens there (test/cli/ftp-options.test.ts): 127.0.0.2 is this host's too.
  const addr = await dial(['-sS', '-P', '127.0.0.2', '-u', 'alice:pw', ftpUrl('/pub/a.txt')]);
  assert.equal(addr.out, 'ftp file\n', addr.stderr);
});

test('ftp: -I prints synthesized headers, as curl does for ftp', async () => {
  const r = await dial(['-I', '-u', 'alice:pw', ftpUrl('/pub/a.txt')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.out, /content-length: 9\r\n/i);
  assert.doesNotMatch(r.out, /ftp file/);
});

describe('-L from http to ftp:// and from https to http, followed as curl follows them', () => {
  let web: http.Server;
  let webPort = 0;
  let secure: TlsTestServer | undefined;
  before(async () => {
    // /to?u=URL answers 302 to that URL.
    web = http.createServer((req, res) => {
      const to = new URL(req.url!, 'http://x').searchParams.get('u');
      if (to) res.writeHead(302, { Location: to, 'Content-Length': 0 }).end();
      else res.writeHead(200, { 'Content-Length': 6 }).end('plain\n');
    });
    web.listen(0, '127.0.0.1');
    await once(web, 'listening');
    webPort = (web.address() as AddressInfo).port;
    if (!pki) return;
    secure = await startTlsServer(pki, (_req, res) => void res.writeHead(301, { Location: `http://127.0.0.1:${webPort}/plain`, 'Content-Length': 0 }).end());
  });
  after(async () => {
    web.closeAllConnections();
    await new Promise((r) => web.close(r));
    await secure?.close();
  });
  const to = (u: string) => `http://127.0.0.1:${webPort}/to?u=${encodeURIComponent(u)}`;
  const mirror = () => `ftp://alice:pw@127.0.0.1:${ftp.port}/pub/a.txt`;

  test('the ftp file arrives; exit code, body and -w facts are curl’s', async () => {
    const w = ['-sS', '-L', '-w', '\n%{num_redirects} %{url_effective} %{response_code}'];
    const [a, b] = await Promise.all([dial([...w, to(mirror())]), curl([...w, to(mirror())])]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.code, b.code, b.stderr);
    assert.equal(a.out, b.out);
    assert.equal(a.out, `ftp file\n\n1 ${mirror()} 226`);
  });

  test('-i prints the 302 head before the ftp document; without -L the 302 is the answer', async () => {
    const r = await dial(['-sS', '-L', '-i', to(mirror())]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.out.startsWith('HTTP/1.1 302 Found\r\n'), r.out);
    assert.ok(r.out.includes(`\r\nLocation: ${mirror()}\r\n`), r.out);
    assert.match(r.out, /\r\n\r\nContent-Length: 9\r\n/, 'the ftp document’s own lines follow the 302 head');
    assert.ok(r.out.endsWith('ftp file\n'), JSON.stringify(r.out));
    const stay = await dial(['-sS', '-i', to(mirror())]);
    assert.match(stay.out, /^HTTP\/1\.1 302 Found\r\n/);
    assert.doesNotMatch(stay.out, /ftp file/);
  });

  test('https → http: -L follows it (curl’s redirect protocols hold no TLS rule)', async () => {
    assert.ok(!noPki(), 'openssl is needed to make the test CA (scripts/install-servers.sh installs it)');
    const args = ['-sS', '-L', '--cacert', pki!.caCert, `https://localhost:${secure!.port}/`];
    const [a, b] = await Promise.all([dial(args), curl(args)]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.out, 'plain\n');
    assert.equal(a.out, b.out);
  });
});

test('ftp: -o with -C - resumes with REST', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'a'), 'ftp ');
  const r = await dial(['-u', 'alice:pw', '-C', '-', '-o', join(dir, 'a'), ftpUrl('/pub/a.txt')]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(join(dir, 'a'), 'utf8'), 'ftp file\n');
  assert.ok(ftp.commands.includes('REST 4'));
});

test('gopher: a document by selector', async () => {
  const r = await dial([`gopher://127.0.0.1:${gopher.port}/0/doc`]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.out, /gopher text/);
});

test('gopher: a menu piped stays byte-exact (as curl); on a terminal it is laid out for reading', async () => {
  const url = `gopher://127.0.0.1:${gopher.port}/1`;
  const piped = await dial([url]);
  assert.equal(piped.code, 0, piped.stderr);
  assert.equal(piped.out, 'iWelcome\t\terror.host\t1\r\n0About\t/doc\t127.0.0.1\t70\r\n.\r\n');
  const cmd = [process.execPath, MAIN, '-s', url].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const tty = await runCommand('script', ['-qefc', cmd, '/dev/null'], { env: { COLUMNS: '100' } });
  assert.equal(tty.code, 0, tty.stderr);
  assert.match(tty.out, /Welcome/);
  assert.match(tty.out, /\[TXT\] About .*gopher:\/\/127\.0\.0\.1\/0\/doc/);
  assert.doesNotMatch(tty.out, /\t/, 'no raw tab-separated fields on a terminal');
});

/** A minimal SOCKS5 server (no auth, CONNECT only) that records the requested host and splices to the target. */
async function socks5(target: number): Promise<{ port: number; hosts: string[]; close: () => Promise<void> }> {
  const hosts: string[] = [];
  const socks = new Set<net.Socket>();
  const srv = net.createServer((c) => {
    socks.add(c);
    c.on('error', () => {});
    let buf = Buffer.alloc(0);
    let stage = 0;
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (stage === 0 && buf.length >= 2 && buf.length >= 2 + buf[1]!) {
        buf = buf.subarray(2 + buf[1]!);
        stage = 1;
        c.write(Buffer.from([5, 0]));
      }
      if (stage === 1 && buf.length >= 5) {
        const atyp = buf[3]!;
        const alen = atyp === 1 ? 4 : atyp === 4 ? 16 : 1 + buf[4]!;
        if (buf.length < 4 + alen + 2) return;
        hosts.push(atyp === 3 ? buf.subarray(5, 5 + buf[4]!).toString() : [...buf.subarray(4, 8)].join('.'));
        const rest = buf.subarray(4 + alen + 2);
        stage = 2;
        c.off('data', onData);
        const up = net.connect(target, '127.0.0.1', () => {
          c.write(Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]));
          if (rest.length) up.write(rest);
          c.pipe(up).pipe(c);
        });
        socks.add(up);
        up.on('error', () => c.destroy());
      }
    };
    c.on('data', onData);
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  return {
    port: (srv.address() as AddressInfo).port,
    hosts,
    close: async () => {
      for (const s of socks) s.destroy();
      await new Promise((r) => srv.close(r));
    },
  };
}

test('--socks5-hostname lets the proxy resolve the name', async () => {
  const web = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Length': 6 });
    res.end('socks\n');
  });
  web.listen(0, '127.0.0.1');
  await once(web, 'listening');
  const webPort = (web.address() as AddressInfo).port;
  const proxy = await socks5(webPort);
  try {
    const r = await dial(['--socks5-hostname', `127.0.0.1:${proxy.port}`, `http://only-the-proxy-knows.test:${webPort}/`], { env: { NO_PROXY: '', no_proxy: '' } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.out, 'socks\n');
    assert.deepEqual(proxy.hosts, ['only-the-proxy-knows.test']);
  } finally {
    web.closeAllConnections();
    web.close();
    await proxy.close();
  }
});

describe('ftp against vsftpd: the data connection counts in num_connects and shows in -v, as curl', () => {
  let pki: TestPKI;
  let plain: RunningServer | undefined;
  let implicit: RunningServer | undefined;
  let socks: RunningServer | undefined;
  before(async () => {
    pki = makeTestPKI();
    const root = makeTree(false);
    plain = await startVsftpd(root, false, undefined, await freeRange(10));
    implicit = await startVsftpd(root, true, pki, await freeRange(10), true);
    socks = await startInterop({ name: 'microsocks', command: 'microsocks', args: (ctx) => ['-i', '127.0.0.1', '-p', String(ctx.port)] });
  });
  after(async () => {
    await Promise.all([plain?.stop(), implicit?.stop(), socks?.stop()]);
    pki?.cleanup();
  });

  const W = '%{remote_ip} %{remote_port} %{num_connects} %{ssl_verify_result} %{response_code} %{http_code}\\n';
  test('ftp:// (passive): num_connects 2, remote_ip/port the control connection\'s', async () => {
    const url = `ftp://127.0.0.1:${plain!.port}/pub/tree/a.txt`;
    const [a, b] = await Promise.all([dial(['-s', '-o', '/dev/null', '-w', W, url]), curl(['-s', '-o', '/dev/null', '-w', W, url])]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.out, b.out);
    assert.equal(a.out, `127.0.0.1 ${plain!.port} 2 0 226 226\n`, 'the code that ends the transfer, as curl');
    const v = await dial(['-sv', '-o', '/dev/null', url]);
    assert.match(v.stderr, /^\* Connected to 127\.0\.0\.1 \(127\.0\.0\.1\) port \d+$/m);
    assert.match(v.stderr, /^\* Connected to 127\.0\.0\.1 port \d+ \(data connection\)$/m);
  });

  test('through a SOCKS5 proxy: both connections tunnelled, num_connects 2, remote_ip/port the proxy\'s', async () => {
    const url = `ftp://127.0.0.1:${plain!.port}/pub/tree/a.txt`;
    const args = ['-s', '-o', '/dev/null', '-x', `socks5://127.0.0.1:${socks!.port}`, '-w', W, url];
    const env = { NO_PROXY: '', no_proxy: '' };
    const [a, b] = await Promise.all([dial(args, { env }), curl(args, { env })]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.out, b.out);
    assert.equal(a.out, `127.0.0.1 ${socks!.port} 2 0 226 226\n`);
  });

  test('several URLs on one server share one FTP session, as curl: the later ones count only their data connection', async () => {
    const base = `ftp://127.0.0.1:${plain!.port}`;
    const urls = [`${base}/pub/tree/a.txt`, `${base}/pub/text.txt`, `${base}/pub/tree/deeper/b.bin`, `${base}/pub/tree/a.txt`];
    const outs = urls.flatMap(() => ['-o', '/dev/null']);
    const w = '%{num_connects} %{response_code} %{size_download}\\n';
    const [a, b] = await Promise.all([dial(['-s', ...outs, '-w', w, ...urls]), curl(['-s', ...outs, '-w', w, ...urls])]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(a.out, b.out);
    assert.deepEqual(a.out.split('\n').filter(Boolean).map((l) => l.split(' ')[0]), ['2', '1', '1', '1']);
    const v = await dial(['-sv', ...outs, ...urls.slice(0, 2)]);
    assert.equal(v.code, 0, v.stderr);
    assert.equal(v.stderr.match(/^> USER /gm)?.length, 1, 'one login');
    assert.match(v.stderr, /^\* Re-using the FTP session with 127\.0\.0\.1$/m);
    assert.match(v.stderr, /^> QUIT$/m, 'the kept session ends with QUIT');
  });

  test('ftps:// (implicit, TLS on the data connection too): num_connects 2, the data handshake in -v', async () => {
    const url = `ftps://localhost:${implicit!.port}/pub/tree/a.txt`;
    const tls = ['--cacert', pki.ca.certPath];
    const [a, b] = await Promise.all([dial(['-s', '-o', '/dev/null', ...tls, '-w', W, url]), curl(['-s', '-o', '/dev/null', ...tls, '-w', W, url])]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(a.out, b.out);
    const v = await dial(['-sv', '-o', '/dev/null', ...tls, url]);
    assert.match(v.stderr, /^\* Connected to 127\.0\.0\.1 port \d+ \(data connection\)$/m);
    assert.match(v.stderr, /^\* TLS established on the data connection \(TLSv1\.[23](, session resumed)?\)$/m);
  });
});
