/**
 * FTPS against an in-process implicit-TLS server: PBSZ/PROT P, data over TLS
 * with the control session resumed (read into one reused buffer when asked),
 * and a data channel whose TLS fails — a
 * typed error, and the control connection still usable.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { FtpClient } from '../../../src/protocols/ftp/index.js';
import { ReplyError, TLSError } from '../../../src/errors.js';
import type { TraceEvent } from '../../../src/trace.js';
import { makeTestPKI, type TestPKI } from '../../interop/ca.js';
import { FakeFtpServer } from './fake-server.js';

let pki: TestPKI;
let good: FakeFtpServer;
let broken: FakeFtpServer;
const DATA = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7 + (i >> 8)) & 255));

before(async () => {
  pki = makeTestPKI();
  const tls = { cert: pki.server.cert, key: pki.server.key };
  good = await FakeFtpServer.start({ tls, files: { '/f': DATA } });
  broken = await FakeFtpServer.start({ tls, dataTls: false, files: { '/f': DATA } });
});
after(async () => {
  await good?.close();
  await broken?.close();
  pki?.cleanup();
});

test('implicit FTPS: PBSZ 0 and PROT P, data over TLS resuming the control session', async () => {
  const notes: string[] = [];
  const c = await FtpClient.connect({ host: '127.0.0.1', port: good.port, secure: 'implicit', tls: { ca: pki.ca.cert }, timeout: 5000, trace: (e) => e.kind === '*' && notes.push(e.text) });
  assert.ok(c.encrypted && c.dataProtected);
  assert.ok(good.commands.includes('PBSZ 0') && good.commands.includes('PROT P'));
  let n = 0;
  for await (const chunk of await c.retrieve('/f')) n += chunk.length;
  assert.equal(n, DATA.length);
  await c.store('/g', [Buffer.from('secret upload')]);
  assert.equal(good.files.get('/g')?.toString(), 'secret upload');
  assert.ok(notes.some((t) => /resumed the control session/.test(t)), notes.join('\n'));
  await c.quit();
});

test('implicit FTPS: the control connection\'s handshake is a tls event, as HTTPS reports it (dial -w time_appconnect)', async () => {
  const events: TraceEvent[] = [];
  const c = await FtpClient.connect({ host: '127.0.0.1', port: good.port, secure: 'implicit', tls: { ca: pki.ca.cert }, timeout: 5000, trace: (e) => events.push(e) });
  await c.quit();
  const tls = events.filter((e) => e.event === 'tls');
  assert.equal(tls.length, 1, events.map((e) => e.text).join('\n'));
  assert.equal(tls[0]!.protocol, 'tls');
  assert.match(tls[0]!.text, /^TLS established \(TLSv1\.[23]\)$/);
  assert.match(String(tls[0]!.data?.tlsVersion), /^TLSv1\.[23]$/);
  assert.equal(tls[0]!.data?.verifyError, undefined);
  const order = events.filter((e) => e.event !== undefined).map((e) => e.event);
  assert.deepEqual(order, ['connected', 'tls']);
});

test('reuseBuffer over FTPS: the TLS data connection reads into a few reused buffers, resumed, bytes whole', async () => {
  const notes: string[] = [];
  const c = await FtpClient.connect({ host: '127.0.0.1', port: good.port, secure: 'implicit', tls: { ca: pki.ca.cert }, timeout: 5000, trace: (e) => e.kind === '*' && notes.push(e.text) });
  const buffers = new Set<ArrayBufferLike>();
  let n = 0;
  let same = true;
  for await (const chunk of await c.retrieve('/f', { reuseBuffer: true })) {
    buffers.add(chunk.buffer);
    if (!chunk.equals(DATA.subarray(n, n + chunk.length))) same = false;
    n += chunk.length;
  }
  assert.equal(n, DATA.length);
  assert.ok(same);
  assert.ok(buffers.size <= 12, `${buffers.size} buffers`);
  assert.ok(notes.some((t) => /resumed the control session/.test(t)), notes.join('\n'));
  await c.quit();
});

for (const reuseBuffer of [false, true]) {
  test(`consume over FTPS${reuseBuffer ? ' (reuseBuffer)' : ''}: the bytes arrive whole, with a sink that sometimes holds its chunk in a promise`, async () => {
    const c = await FtpClient.connect({ host: '127.0.0.1', port: good.port, secure: 'implicit', tls: { ca: pki.ca.cert }, timeout: 5000 });
    let n = 0;
    let same = true;
    let calls = 0;
    const count = await (await c.retrieve('/f', { reuseBuffer })).consume((chunk) => {
      const at = n;
      n += chunk.length;
      const check = () => void (chunk.equals(DATA.subarray(at, at + chunk.length)) || (same = false));
      if (calls++ % 2) return check();
      return new Promise<void>((r) => setTimeout(r, 1)).then(check);
    });
    assert.equal(count, DATA.length);
    assert.ok(same);
    await c.quit();
  });
}

test('the data channel does not speak TLS → TLSError, and the control connection stays usable', async () => {
  const c = await FtpClient.connect({ host: '127.0.0.1', port: broken.port, secure: 'implicit', tls: { ca: pki.ca.cert }, timeout: 2000 });
  const dl = await c.retrieve('/f');
  await assert.rejects(
    (async () => {
      for await (const _ of dl);
    })(),
    TLSError,
  );
  assert.equal((await c.noop()).code, 200);
  await c.quit();
});

test('an untrusted certificate on the control connection: DIAL_E_TLS_CERT before any command', async () => {
  const before = good.commands.length;
  await assert.rejects(FtpClient.connect({ host: '127.0.0.1', port: good.port, secure: 'implicit', tls: { ca: pki.untrustedCA.cert }, timeout: 2000 }), { code: 'DIAL_E_TLS_CERT' });
  assert.equal(good.commands.length, before);
});

test("secure 'try': AUTH TLS taken → the session and its data are protected; refused → the clear, no PBSZ/PROT; a 421 still ends it", async () => {
  const tls = { cert: pki.server.cert, key: pki.server.key };
  const explicit = await FakeFtpServer.start({ authTls: tls, files: { '/f': DATA } });
  const plain = await FakeFtpServer.start({ files: { '/f': DATA } });
  const closing = await FakeFtpServer.start({ files: { '/f': DATA }, hooks: { AUTH: (_a, x) => (x.reply(421, 'Service not available'), true) } });
  try {
    const read = async (c: FtpClient): Promise<number> => {
      let n = 0;
      for await (const chunk of await c.retrieve('/f')) n += chunk.length;
      return n;
    };
    const a = await FtpClient.connect({ host: '127.0.0.1', port: explicit.port, secure: 'try', tls: { ca: pki.ca.cert }, timeout: 5000 });
    assert.ok(a.encrypted && a.dataProtected);
    assert.equal(await read(a), DATA.length);
    await a.quit();
    assert.deepEqual(explicit.commands.slice(0, 2), ['AUTH TLS', 'USER anonymous']);
    assert.ok(explicit.commands.includes('PROT P'));
    const b = await FtpClient.connect({ host: '127.0.0.1', port: plain.port, secure: 'try', tls: { ca: pki.ca.cert }, timeout: 5000 });
    assert.ok(!b.encrypted && !b.dataProtected);
    assert.equal(await read(b), DATA.length);
    await b.quit();
    assert.equal(plain.commands[0], 'AUTH TLS');
    assert.ok(!plain.commands.includes('PBSZ 0') && !plain.commands.includes('PROT P'), plain.commands.join(' | '));
    await assert.rejects(FtpClient.connect({ host: '127.0.0.1', port: closing.port, secure: 'try', timeout: 5000 }), (e: unknown) => e instanceof ReplyError && e.reply?.code === 421);
    // 'explicit' still refuses to go on in the clear.
    await assert.rejects(FtpClient.connect({ host: '127.0.0.1', port: plain.port, secure: 'explicit', timeout: 5000 }), (e: unknown) => e instanceof ReplyError && e.phase === 'starttls');
  } finally {
    await explicit.close();
    await plain.close();
    await closing.close();
  }
});

test("secure 'try': a server that takes AUTH TLS but refuses PROT P keeps the control protected and moves data in the clear (curl --ssl goes on so)", async () => {
  const tls = { cert: pki.server.cert, key: pki.server.key };
  const refusing = await FakeFtpServer.start({ authTls: tls, dataTls: false, files: { '/f': DATA }, hooks: { PROT: (_a, x) => (x.reply(534, 'Request denied for policy reasons'), true) } });
  try {
    const c = await FtpClient.connect({ host: '127.0.0.1', port: refusing.port, secure: 'try', tls: { ca: pki.ca.cert }, timeout: 5000 });
    assert.ok(c.encrypted && !c.dataProtected);
    let n = 0;
    for await (const chunk of await c.retrieve('/f')) n += chunk.length;
    assert.equal(n, DATA.length);
    await c.quit();
    assert.deepEqual(refusing.commands.slice(0, 5), ['AUTH TLS', 'USER anonymous', 'PASS anonymous@', 'PBSZ 0', 'PROT P']);
    // 'explicit' (--ssl-reqd) asked for protected data: the refusal ends it.
    await assert.rejects(FtpClient.connect({ host: '127.0.0.1', port: refusing.port, secure: 'explicit', tls: { ca: pki.ca.cert }, timeout: 5000 }), (e: unknown) => e instanceof ReplyError && e.reply?.code === 534);
  } finally {
    await refusing.close();
  }
});

test('a refused PBSZ is not the end (curl sends PROT P whatever PBSZ got): PROT P taken → data protected, in \'try\' and \'explicit\'', async () => {
  const tls = { cert: pki.server.cert, key: pki.server.key };
  const srv = await FakeFtpServer.start({ authTls: tls, files: { '/f': DATA }, hooks: { PBSZ: (_a, x) => (x.reply(502, 'Command not implemented'), true) } });
  try {
    for (const secure of ['try', 'explicit'] as const) {
      const c = await FtpClient.connect({ host: '127.0.0.1', port: srv.port, secure, tls: { ca: pki.ca.cert }, timeout: 5000 });
      assert.ok(c.encrypted && c.dataProtected, secure);
      let n = 0;
      for await (const chunk of await c.retrieve('/f')) n += chunk.length;
      assert.equal(n, DATA.length);
      await c.quit();
    }
    assert.equal(srv.commands.filter((l) => l === 'PROT P').length, 2);
  } finally {
    await srv.close();
  }
});
