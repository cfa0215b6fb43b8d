/**
 * FTP through real proxies: vsftpd behind microsocks (SOCKS5) and behind
 * squid (HTTP CONNECT, allowed only to vsftpd's control port and passive
 * range — config/squid-ftp.conf). Control and data connections both go
 * through the proxy; curl through the same proxy (`--socks5-hostname`,
 * `-p -x`) is the oracle, byte for byte.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { FtpClient } from '../../src/protocols/ftp/index.js';
import { openFtp } from '../../src/urlopen/schemes/ftp.js';
import { InputError, ReplyError } from '../../src/errors.js';
import { LOOPBACK, startServer, type RunningServer } from './harness.js';
import { startSquid, type Squid } from './fixtures.js';
import { dial } from '../cli/helpers.js';
import { makeTestPKI, type TestPKI } from './ca.js';
import { DATA, bytesOf, curl, freeRange, knownBytes, makeTree, startVsftpd } from './ftp-helpers.js';

const T = 15_000;
let root: string;
let pki: TestPKI;
let ftps: RunningServer;
let ftp: RunningServer;
let socks: RunningServer;
let squid: Squid;
let pasv: [number, number];
let base: string;

before(async () => {
  root = makeTree(true);
  pasv = await freeRange(20);
  ftp = await startVsftpd(root, false, undefined, pasv);
  pki = makeTestPKI();
  ftps = await startVsftpd(root, true, pki, await freeRange(10));
  base = `ftp://${LOOPBACK}:${ftp.port}`;
  const started = await Promise.allSettled([
    startServer({ name: 'microsocks', command: 'microsocks', args: (ctx) => ['-i', LOOPBACK, '-p', String(ctx.port)] }),
    // Its https:// port has a certificate from the other CA than vsftpd's: each trust is checked on its own.
    startSquid({ name: 'squid-ftp', template: 'squid-ftp.conf', vars: { ftp_port: ftp.port, pasv_min: pasv[0], pasv_max: pasv[1] }, tls: pki.untrustedServer }),
  ]);
  for (const r of started) if (r.status === 'rejected') throw r.reason;
  [socks, squid] = started.map((r) => (r as PromiseFulfilledResult<RunningServer>).value) as [RunningServer, Squid];
});
after(async () => {
  await Promise.all([ftp?.stop(), ftps?.stop(), socks?.stop(), squid?.stop()]);
  pki?.cleanup();
  if (root) rmSync(root, { recursive: true, force: true });
});

const proxies = () => [
  { name: 'SOCKS5 (microsocks)', proxy: `socks5h://${LOOPBACK}:${socks.port}`, curlArgs: ['--socks5-hostname', `${LOOPBACK}:${socks.port}`], proxyTls: undefined },
  { name: 'HTTP CONNECT (squid)', proxy: `http://${LOOPBACK}:${squid.port}`, curlArgs: ['-p', '-x', `http://${LOOPBACK}:${squid.port}`], proxyTls: undefined },
  {
    name: 'HTTPS CONNECT (squid, TLS to the proxy)',
    proxy: `https://localhost:${squid.https}`,
    curlArgs: ['-p', '-x', `https://localhost:${squid.https}`, '--proxy-cacert', pki.untrustedCA.certPath],
    proxyTls: { ca: pki.untrustedCA.cert },
  },
];

for (const i of [0, 1, 2]) {
  describe(['vsftpd behind microsocks (SOCKS5)', 'vsftpd behind squid (CONNECT)', 'vsftpd behind squid as an https:// proxy (CONNECT inside TLS)'][i]!, () => {
    test('RETR, LIST and STOR through the proxy; the download equals curl through the same proxy', async () => {
      const p = proxies()[i]!;
      const c = await FtpClient.connect({ host: 'localhost', port: ftp.port, proxy: p.proxy, proxyTls: p.proxyTls, timeout: T });
      const got = await bytesOf(await c.retrieve('/pub/data.bin'));
      assert.ok(got.equals(DATA));
      assert.ok(got.equals(curl([...p.curlArgs, `ftp://localhost:${ftp.port}/pub/data.bin`])));
      assert.deepEqual((await c.list('/pub')).map((e) => e.name).sort(), ['data.bin', 'text.txt', 'tree']);
      const payload = knownBytes(250_000, 40 + i);
      await c.store(`/upload/proxied-${i}.bin`, [payload]);
      assert.ok(readFileSync(join(root, 'upload', `proxied-${i}.bin`)).equals(payload));
      // Mid-file break: ABOR over the tunnelled control connection, then the session goes on.
      for await (const _ of await c.retrieve('/pub/data.bin')) break;
      assert.ok((await bytesOf(await c.retrieve('/pub/tree/a.txt'))).equals(Buffer.from('A file\n')));
      await c.quit();
    });

    test('openFtp with `proxy` equals curl through the proxy, listing included', async () => {
      const p = proxies()[i]!;
      const r = await openFtp(new URL(`${base}/pub/data.bin`), { proxy: p.proxy, proxyTls: p.proxyTls });
      assert.ok((await r.bytes()).equals(curl([...p.curlArgs, `${base}/pub/data.bin`])));
      const dir = await (await openFtp(new URL(`${base}/pub/`), { proxy: p.proxy, proxyTls: p.proxyTls })).text();
      assert.equal(dir, curl([...p.curlArgs, `${base}/pub/`]).toString('utf8'));
    });
  });
}

test('dial -i through the CONNECT proxy: no proxy head before an FTP transfer\'s (curl shows it only for HTTP); the body equals curl\'s', async () => {
  const args = ['-p', '-x', `http://${LOOPBACK}:${squid.port}`, `${base}/pub/text.txt`];
  const env = { NO_PROXY: '', no_proxy: '' };
  const withHead = await dial(['-sS', '-i', ...args], { env });
  assert.equal(withHead.code, 0, withHead.stderr);
  assert.doesNotMatch(withHead.out, /Connection established/);
  const plain = await dial(['-sS', ...args], { env });
  assert.ok(plain.stdout.equals(curl(args)));
});

test('squid refuses CONNECT outside the FTP ports: a ReplyError 403', async () => {
  await assert.rejects(
    FtpClient.connect({ host: LOOPBACK, port: socks.port, proxy: `http://${LOOPBACK}:${squid.port}`, timeout: T }),
    (e: unknown) => e instanceof ReplyError && e.reply?.code === 403,
  );
});

test('active mode through a proxy is refused before connecting', async () => {
  await assert.rejects(FtpClient.connect({ host: LOOPBACK, port: ftp.port, proxy: `socks5://${LOOPBACK}:${socks.port}`, activeMode: true }), (e: unknown) => e instanceof InputError && e.code === 'DIAL_E_UNSUPPORTED');
});

test('explicit FTPS (require_ssl_reuse) through SOCKS5: AUTH TLS inside the tunnel, data sessions resumed; equals curl --ftp-ssl-reqd through the proxy', async () => {
  const notes: string[] = [];
  const c = await FtpClient.connect({
    host: 'localhost',
    port: ftps.port,
    secure: 'explicit',
    tls: { ca: pki.ca.cert },
    proxy: `socks5h://${LOOPBACK}:${socks.port}`,
    timeout: T,
    trace: (e) => e.kind === '*' && notes.push(e.text),
  });
  const got = await bytesOf(await c.retrieve('/pub/data.bin'));
  assert.ok(got.equals(DATA));
  assert.ok(notes.some((n) => /resumed the control session/.test(n)), notes.join('\n'));
  await c.quit();
  const theirs = curl(['--ftp-ssl-reqd', '--cacert', pki.ca.certPath, '--socks5-hostname', `${LOOPBACK}:${socks.port}`, `ftp://localhost:${ftps.port}/pub/data.bin`]);
  assert.ok(got.equals(theirs));
});
