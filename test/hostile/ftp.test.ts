/**
 * FTP against servers that lie, stall or attack: every case ends in a typed
 * error (or a safe refusal) within its bound, and nothing unsafe is sent.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { once } from 'node:events';
import { FtpClient } from '../../src/protocols/ftp/index.js';
import { ConnectError, InputError, LimitError, ProtocolError, ReplyError, TimeoutError, DialError } from '../../src/errors.js';
import { FakeFtpServer, resetMidTransfer, shortTransfer, type FakeFtpOptions } from '../protocols/ftp/fake-server.js';
import { blackhole } from '../helpers/blackhole.js';

const servers: FakeFtpServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
});
async function serve(opts: FakeFtpOptions): Promise<FakeFtpServer> {
  const s = await FakeFtpServer.start(opts);
  servers.push(s);
  return s;
}
const connect = (s: FakeFtpServer, extra: Partial<Parameters<typeof FtpClient.connect>[0]> = {}) =>
  FtpClient.connect({ host: '127.0.0.1', port: s.port, timeout: 2000, ...extra });

async function drain(it: AsyncIterable<Uint8Array>): Promise<number> {
  let n = 0;
  for await (const c of it) n += c.length;
  return n;
}

describe('PASV pointing elsewhere', () => {
  test('default: the PASV address is ignored, the control host is used', async () => {
    const s = await serve({ files: { '/f': 'safe' }, noEpsv: true, pasvAddress: '10.9.8.7' });
    const notes: string[] = [];
    const c = await connect(s, { trace: (e) => e.kind === '*' && notes.push(e.text) });
    assert.equal(await drain(await c.retrieve('/f')), 4);
    assert.ok(notes.some((n) => /ignoring the PASV address 10\.9\.8\.7/.test(n)));
    await c.quit();
  });
  test('pasvUseControlHost:false → ProtocolError refusal, no connection attempted, session still usable', async () => {
    const s = await serve({ files: { '/f': 'x' }, noEpsv: true, pasvAddress: '10.9.8.7' });
    const c = await connect(s, { pasvUseControlHost: false });
    await assert.rejects(c.retrieve('/f'), (e: unknown) => e instanceof ProtocolError && /10\.9\.8\.7/.test(e.message) && e.reply?.code === 227);
    assert.ok(!s.commands.includes('RETR /f'), 'RETR must not be sent');
    assert.equal((await c.noop()).code, 200);
    await c.quit();
  });
  test('allowForeignDataHost:true follows it (here to a closed port: ConnectError)', async () => {
    const s = await serve({ files: { '/f': 'x' }, noEpsv: true, pasvAddress: '127.0.0.2' });
    const c = await connect(s, { pasvUseControlHost: false, allowForeignDataHost: true });
    await assert.rejects(c.retrieve('/f'), ConnectError);
    await c.close();
  });
});

describe('malformed data addresses', () => {
  test('PASV numbers out of range → ProtocolError', async () => {
    const s = await serve({ noEpsv: true, hooks: { PASV: (_a, x) => (x.reply(227, 'Entering Passive Mode (127,0,0,1,300,1)'), true) } });
    const c = await connect(s);
    await assert.rejects(c.retrieve('/f'), ProtocolError);
    await c.close();
  });
  test('EPSV port out of range → ProtocolError (no silent PASV downgrade)', async () => {
    const s = await serve({ hooks: { EPSV: (_a, x) => (x.reply(229, 'Entering Extended Passive Mode (|||70000|)'), true) } });
    const c = await connect(s);
    await assert.rejects(c.retrieve('/f'), ProtocolError);
    assert.ok(!s.commands.includes('PASV'));
    await c.close();
  });
});

describe('replies that do not come or do not end', () => {
  test('1xx without a final reply → TimeoutError', async () => {
    const s = await serve({
      hooks: {
        RETR: async (_a, x) => {
          x.reply(150, 'Here it comes (3 bytes).');
          const d = await x.data();
          d.end('abc');
          return true; // and never a 226
        },
      },
    });
    const c = await connect(s, { timeout: 400 });
    const dl = await c.retrieve('/f');
    await assert.rejects(drain(dl), TimeoutError);
    await c.close();
  });
  test('1xx then the control connection closes → ProtocolError', async () => {
    const s = await serve({ hooks: { RETR: (_a, x) => (x.reply(150, 'bye'), x.control.destroy(), true) } });
    const c = await connect(s);
    const dl = await c.retrieve('/f').catch((e: unknown) => e);
    if (dl instanceof Error) assert.ok(dl instanceof DialError);
    else await assert.rejects(drain(dl as AsyncIterable<Uint8Array>), DialError);
    assert.equal(c.usable, false);
  });
  test('a multi-line reply that never ends → LimitError', async () => {
    const s = await serve({ greeting: '220-hello\r\n' + '220-more\r\n'.repeat(1500) });
    await assert.rejects(connect(s), LimitError);
  });
  test('a line that never ends → LimitError with bounded memory', async () => {
    const s = await serve({ greeting: '220 ' + 'x'.repeat(200_000) });
    await assert.rejects(connect(s), LimitError);
  });
  test('a greeting that never comes → TimeoutError', async () => {
    const s = await serve({ greeting: '' });
    await assert.rejects(connect(s, { timeout: 300 }), TimeoutError);
  });
  test('421 greeting → ReplyError', async () => {
    const s = await serve({ greeting: '421 Too many connections\r\n' });
    await assert.rejects(connect(s), (e: unknown) => e instanceof ReplyError && e.reply?.code === 421);
  });
  test('garbage instead of a reply → ProtocolError', async () => {
    const s = await serve({ greeting: 'HTTP/1.1 400 Bad Request\r\n' });
    await assert.rejects(connect(s), ProtocolError);
  });
});

describe('data connections that fail', () => {
  test('passive: the data port never answers → TimeoutError', async () => {
    const hole = await blackhole();
    try {
      const s = await serve({ hooks: { EPSV: (_a, x) => (x.reply(229, `Entering Extended Passive Mode (|||${hole.port}|)`), true) } });
      const c = await connect(s, { timeout: 500 });
      const t0 = Date.now();
      await assert.rejects(c.retrieve('/f'), TimeoutError);
      assert.ok(Date.now() - t0 < 3000);
      await c.close();
    } finally {
      hole.close();
    }
  });
  test('active: the server never connects → TimeoutError', async () => {
    const s = await serve({ files: { '/f': 'x' }, hooks: { RETR: (_a, x) => (x.reply(150, 'Opening (1 bytes).'), true) } });
    const c = await connect(s, { activeMode: true, timeout: 400 });
    const dl = await c.retrieve('/f');
    await assert.rejects(drain(dl), TimeoutError);
    await c.close();
  });
  test('active: a connection from another address is refused', async () => {
    const s = await serve({
      hooks: {
        RETR: async (_a, x) => {
          x.reply(150, 'Opening (5 bytes).');
          const port = Number(s.commands.findLast((l) => l.startsWith('PORT'))!.split(',').slice(4).reduce((a, b, i) => (i === 0 ? Number(b) * 256 : a + Number(b)), 0));
          const evil = net.connect({ host: '127.0.0.1', port, localAddress: '127.0.0.2' });
          evil.on('error', () => {});
          await once(evil, 'connect').catch(() => {});
          evil.write('EVIL!');
          return true;
        },
      },
    });
    const c = await connect(s, { activeMode: true, timeout: 500 });
    const dl = await c.retrieve('/f');
    await assert.rejects(drain(dl), TimeoutError);
    await c.close();
  });
  test('data closed early (150 announced 1000 bytes, 100 sent, then 226) → ProtocolError, not a short file', async () => {
    const s = await serve({
      hooks: {
        RETR: shortTransfer,
      },
    });
    const c = await connect(s);
    await assert.rejects(drain(await c.retrieve('/f')), (e: unknown) => e instanceof ProtocolError && /100 of 1000/.test(e.message));
    assert.equal((await c.noop()).code, 200, 'control connection still in step');
    await c.quit();
  });
  test('data closed early against the SIZE the caller passed', async () => {
    const s = await serve({
      hooks: {
        RETR: async (_a, x) => {
          x.reply(150, 'Opening.');
          const d = await x.data();
          d.end(Buffer.alloc(10));
          await once(d, 'close');
          x.reply(226, 'ok');
          return true;
        },
      },
    });
    const c = await connect(s);
    await assert.rejects(drain(await c.retrieve('/f', { expectedSize: 50 })), ProtocolError);
    await c.quit();
  });
  test('data reset mid-transfer with 426 → ReplyError 426', async () => {
    const s = await serve({
      hooks: {
        RETR: resetMidTransfer,
      },
    });
    const c = await connect(s);
    await assert.rejects(drain(await c.retrieve('/f')), DialError);
    assert.equal((await c.noop()).code, 200);
    await c.quit();
  });
});

describe('listings and input', () => {
  test('LIST lines of no dialect are kept raw', async () => {
    const s = await serve({ dirs: ['/d'], features: ['SIZE'], listing: () => 'weird line one\r\n-rw-r--r-- 1 a b 3 Jan 02  2020 ok.txt\r\n\u0001binary?\r\n' });
    const c = await connect(s);
    const e = await c.list('/d');
    assert.deepEqual(e.map((x) => [x.type, x.raw]), [['unknown', 'weird line one'], ['file', '-rw-r--r-- 1 a b 3 Jan 02  2020 ok.txt'], ['unknown', '\u0001binary?']]);
    await c.quit();
  });
  test('CR/LF in a user name: refused before connecting', async () => {
    const s = await serve({});
    await assert.rejects(FtpClient.connect({ host: '127.0.0.1', port: s.port, user: 'bob\r\nDELE /x' }), InputError);
    await assert.rejects(FtpClient.connect({ host: '127.0.0.1', port: s.port, password: 'p\nw' }), InputError);
    assert.equal(s.connections, 0);
  });
  test('CR/LF/NUL in paths: nothing sent', async () => {
    const s = await serve({});
    const c = await connect(s);
    const n = s.commands.length;
    for (const bad of ['a\r\nDELE /x', 'a\nb', 'a\0b']) {
      await assert.rejects(c.retrieve(bad), InputError);
      await assert.rejects(c.store(bad, []), InputError);
      await assert.rejects(c.delete(bad), InputError);
      await assert.rejects(c.rename('ok', bad), InputError);
      await assert.rejects(c.list(bad), InputError);
    }
    assert.equal(s.commands.length, n);
    await c.quit();
  });
});

describe('TLS that goes wrong', () => {
  test('the server drops the connection after AUTH TLS → TLS/network error, no credentials sent', async () => {
    const s = await serve({ hooks: { AUTH: (_a, x) => (x.reply(234, 'Go ahead'), setTimeout(() => x.control.destroy(), 20), true) } });
    await assert.rejects(connect(s, { secure: 'explicit', user: 'u', password: 'secret' }), DialError);
    assert.ok(!s.commands.some((l) => l.startsWith('USER') || l.startsWith('PASS')));
  });
  test('the server answers AUTH TLS in plaintext → injection refused', async () => {
    const s = await serve({ hooks: { AUTH: (_a, x) => (x.reply('234 Go ahead\r\n230 Logged in (injected)\r\n'), true) } });
    await assert.rejects(connect(s, { secure: 'explicit' }), (e: unknown) => e instanceof DialError && (e.code === 'DIAL_E_INJECTION' || e.code === 'DIAL_E_TLS'));
    assert.ok(!s.commands.some((l) => l.startsWith('USER')));
  });
  test('the server refuses AUTH TLS → ReplyError, credentials never sent in the clear', async () => {
    const s = await serve({ hooks: { AUTH: (_a, x) => (x.reply(500, 'AUTH not understood'), true) } });
    await assert.rejects(connect(s, { secure: 'explicit', user: 'u', password: 'secret' }), ReplyError);
    assert.ok(!s.commands.some((l) => l.startsWith('USER') || l.startsWith('PASS')));
  });
  test('the server speaks plaintext after the handshake starts → TLS error within the bound', async () => {
    const s = await serve({ hooks: { AUTH: (_a, x) => (x.reply(234, 'Go ahead'), setTimeout(() => x.control.write('220 not TLS at all\r\n'), 20), true) } });
    await assert.rejects(connect(s, { secure: 'explicit', timeout: 1000 }), DialError);
  });
});
