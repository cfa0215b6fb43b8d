/**
 * FTP through proxies (connect.ts): in-process SOCKS5 and HTTP CONNECT
 * proxies that record every tunnel asked of them, in front of the fake FTP
 * server — the control connection and each passive data connection go
 * through the proxy, to the server's name; active mode is refused; the
 * environment is read as curl reads it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { FtpClient } from '../../../src/protocols/ftp/index.js';
import { ftpProxy } from '../../../src/protocols/ftp/connect.js';
import { InputError } from '../../../src/errors.js';
import { makeTestPKI, type TestPKI } from '../../interop/ca.js';
import { FakeFtpServer } from './fake-server.js';
import { connectProxy, socks5Proxy, type FakeProxy } from './fake-proxy.js';

const DATA = Buffer.alloc(300_000);
for (let i = 0; i < DATA.length; i++) DATA[i] = (i * 31 + 7) & 0xff;

let ftp: FakeFtpServer;
let tlsFtp: FakeFtpServer;
let pki: TestPKI;
let socks: FakeProxy;
let http: FakeProxy;

before(async () => {
  pki = makeTestPKI();
  ftp = await FakeFtpServer.start({ files: { '/pub/f.bin': DATA } });
  tlsFtp = await FakeFtpServer.start({ files: { '/pub/f.bin': DATA }, tls: { cert: pki.server.cert, key: pki.server.key } });
  socks = await socks5Proxy();
  http = await connectProxy({ coalesceTo: ftp.port });
});
after(async () => {
  await Promise.all([ftp?.close(), tlsFtp?.close(), socks?.close(), http?.close()]);
  pki?.cleanup();
});

const collect = async (it: AsyncIterable<Uint8Array>) => {
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
};

for (const kind of ['socks5h', 'http'] as const) {
  test(`${kind} proxy: control and every passive data connection are tunnelled to the server's name`, async () => {
    const proxy = kind === 'http' ? http : socks;
    const before = proxy.targets.length;
    const c = await FtpClient.connect({ host: 'localhost', port: ftp.port, proxy: `${kind}://127.0.0.1:${proxy.port}`, timeout: 5000 });
    assert.ok((await collect(await c.retrieve('/pub/f.bin'))).equals(DATA));
    assert.ok((await c.list('/pub')).some((e) => e.name === 'f.bin'));
    await c.store(`/pub/up-${kind}.txt`, [Buffer.from('through the proxy')]);
    assert.equal(ftp.files.get(`/pub/up-${kind}.txt`)?.toString(), 'through the proxy');
    await c.quit();
    const seen = proxy.targets.slice(before);
    assert.equal(seen.length, 4, seen.join(' '));
    assert.equal(seen[0], `localhost:${ftp.port}`);
    for (const t of seen.slice(1)) assert.match(t, /^localhost:\d+$/);
  });
}

test('socks5 (local resolution) with an IP literal host, a mid-file break (ABOR) and another transfer', async () => {
  const c = await FtpClient.connect({ host: '127.0.0.1', port: ftp.port, proxy: `socks5://127.0.0.1:${socks.port}`, timeout: 5000 });
  for await (const _ of await c.retrieve('/pub/f.bin')) break;
  assert.ok((await collect(await c.retrieve('/pub/f.bin'))).equals(DATA));
  await c.quit();
});

test('consume through a proxy tunnel: the bytes arrive whole, from a sink that sometimes holds its chunk in a promise', async () => {
  const c = await FtpClient.connect({ host: '127.0.0.1', port: ftp.port, proxy: `socks5://127.0.0.1:${socks.port}`, timeout: 5000 });
  const parts: Buffer[] = [];
  let calls = 0;
  const n = await (await c.retrieve('/pub/f.bin')).consume((chunk) => {
    parts.push(Buffer.from(chunk));
    if (calls++ % 2) return undefined;
    return new Promise<void>((r) => setTimeout(r, 1));
  });
  assert.equal(n, DATA.length);
  assert.ok(Buffer.concat(parts).equals(DATA));
  assert.equal((await c.noop()).code, 200);
  await c.quit();
});

test('implicit FTPS through the SOCKS5 proxy: TLS end to end on control and data, certificate checked against the server name', async () => {
  const notes: string[] = [];
  const c = await FtpClient.connect({
    host: 'localhost',
    port: tlsFtp.port,
    secure: 'implicit',
    tls: { ca: pki.ca.cert },
    proxy: `socks5h://127.0.0.1:${socks.port}`,
    timeout: 5000,
    trace: (e) => e.kind === '*' && notes.push(e.text),
  });
  assert.ok(c.encrypted && c.dataProtected);
  assert.ok((await collect(await c.retrieve('/pub/f.bin'))).equals(DATA));
  assert.ok(notes.some((t) => /resumed the control session/.test(t)), notes.join('\n'));
  await c.quit();
});

test('active mode through a proxy: InputError DIAL_E_UNSUPPORTED before any connection', async () => {
  const before = socks.targets.length;
  await assert.rejects(
    FtpClient.connect({ host: '127.0.0.1', port: ftp.port, proxy: `socks5://127.0.0.1:${socks.port}`, activeMode: true }),
    (e: unknown) => e instanceof InputError && e.code === 'DIAL_E_UNSUPPORTED',
  );
  assert.equal(socks.targets.length, before);
});

test('ftpProxy reads the environment as curl: ftp_proxy, FTP_PROXY, ftps_proxy for implicit, all_proxy; no_proxy, noProxy and null', () => {
  const href = (u: URL | undefined) => u?.href;
  assert.equal(href(ftpProxy({ host: 'h' }, { ftp_proxy: 'socks5h://p:1' })), 'socks5h://p:1');
  assert.equal(href(ftpProxy({ host: 'h' }, { FTP_PROXY: 'socks5://p:2' })), 'socks5://p:2');
  assert.equal(href(ftpProxy({ host: 'h' }, { all_proxy: 'p:3' })), 'http://p:3/');
  assert.equal(href(ftpProxy({ host: 'h', secure: 'implicit' }, { ftp_proxy: 'socks5://p:1', ftps_proxy: 'socks5://q:1' })), 'socks5://q:1');
  assert.equal(ftpProxy({ host: 'h.example' }, { all_proxy: 'socks5://p:1', no_proxy: 'example' }), undefined);
  assert.equal(ftpProxy({ host: 'h.example', noProxy: '' }, { all_proxy: 'socks5://p:1', no_proxy: 'example' })?.host, 'p:1');
  assert.equal(ftpProxy({ host: 'h', proxy: null }, { all_proxy: 'socks5://p:1' }), undefined);
  assert.equal(ftpProxy({ host: 'h.example', proxy: 'socks5://p:1', noProxy: 'example' }), undefined);
  assert.equal(ftpProxy({ host: 'other', proxy: 'socks5://p:1', noProxy: 'example' })?.host, 'p:1');
  assert.equal(ftpProxy({ host: 'h' }, {}), undefined);
  assert.equal(href(ftpProxy({ host: '::1' }, { all_proxy: 'socks5://p:1' })), 'socks5://p:1');
  assert.throws(() => ftpProxy({ host: 'h', proxy: 'gopher://p' }), InputError);
});
