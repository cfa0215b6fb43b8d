import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FtpClient } from '../../../src/protocols/ftp/index.js';
import { InputError, LimitError, ProtocolError, ReplyError } from '../../../src/errors.js';
import type { TraceEvent } from '../../../src/trace.js';
import { FakeFtpServer } from './fake-server.js';

const T = 5000;
const BIG = Buffer.alloc(3 * 1024 * 1024 + 17, 7).map((_, i) => (i * 31) & 255) as Buffer;

async function collect(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

let srv: FakeFtpServer;
before(async () => {
  srv = await FakeFtpServer.start({
    files: { '/pub/hello.txt': 'hello\n', '/pub/big.bin': BIG, '/pub/sub/deep.txt': 'deep', '/text.txt': 'a\r\nb\r\n' },
    users: { anonymous: 'anonymous@', alice: 's3cret' },
    features: ['SIZE', 'MDTM', 'UTF8', 'MLST type*;size*;modify*;', 'MFMT'],
  });
});
after(() => srv.close());

const connect = (extra: Partial<Parameters<typeof FtpClient.connect>[0]> = {}) => FtpClient.connect({ host: '127.0.0.1', port: srv.port, timeout: T, ...extra });

describe('FtpClient against the fake server', () => {
  test('anonymous login, FEAT parsed, UTF8 switched on, PWD', async () => {
    const c = await connect();
    assert.ok(c.features.has('MLST'));
    assert.equal(await c.pwd(), '/');
    assert.ok(srv.commands.includes('OPTS UTF8 ON'));
    assert.ok(srv.commands.includes('PASS anonymous@'));
    await c.quit();
  });

  test('named user; a wrong password is a ReplyError 530 "login denied"', async () => {
    const ok = await connect({ user: 'alice', password: 's3cret' });
    await ok.quit();
    await assert.rejects(connect({ user: 'alice', password: 'nope' }), (e: unknown) => {
      assert.ok(e instanceof ReplyError);
      assert.equal(e.reply?.code, 530);
      assert.match(e.message, /login denied/);
      assert.equal(e.phase, 'login');
      return true;
    });
  });

  test('trace masks the password and marks directions', async () => {
    const events: TraceEvent[] = [];
    const c = await connect({ user: 'alice', password: 's3cret', trace: (e) => events.push(e) });
    await c.quit();
    assert.ok(events.some((e) => e.kind === '>' && e.text === 'PASS ****'));
    assert.ok(!events.some((e) => e.text.includes('s3cret')));
    assert.ok(events.some((e) => e.kind === '<' && e.text.startsWith('220')));
    assert.ok(events.some((e) => e.kind === '*' && /^Connecting to 127\.0\.0\.1 port \d+$/.test(e.text)));
  });

  test('the trace reads as HTTP\'s: Connecting to, Host … was resolved (event resolved), Connected to name (address) port; every note capitalised', async () => {
    const events: TraceEvent[] = [];
    const lookup = async () => [{ address: '127.0.0.1', family: 4 as const }];
    const c = await connect({ host: 'localhost', lookup, trace: (e) => events.push(e) });
    for await (const _ of await c.retrieve('/pub/hello.txt'));
    await c.store('/up/trace2.txt', [Buffer.from('12345')]);
    await c.quit();
    const notes = events.filter((e) => e.kind === '*');
    const texts = notes.map((e) => e.text);
    assert.equal(texts[0], `Connecting to localhost port ${srv.port}`);
    const resolved = notes.find((e) => e.event === 'resolved');
    assert.equal(resolved?.text, 'Host localhost was resolved: 127.0.0.1');
    assert.deepEqual(resolved?.data, { host: 'localhost', addresses: ['127.0.0.1'] });
    assert.ok(texts.includes(`Connected to localhost (127.0.0.1) port ${srv.port}`), texts.join('\n'));
    assert.ok(texts.some((t) => /^Connecting to 127\.0\.0\.1 port \d+ \(data connection\)$/.test(t)), texts.join('\n'));
    assert.ok(texts.some((t) => /^Connected to 127\.0\.0\.1 port \d+ \(data connection\)$/.test(t)), texts.join('\n'));
    assert.ok(texts.includes('Received 6 bytes on the data connection') && texts.includes('Sent 5 bytes on the data connection'), texts.join('\n'));
    for (const t of texts) assert.match(t, /^[A-Z]/, `a note in lower case: ${t}`);
  });

  test('a transfer is summarised in the trace with its byte count', async () => {
    const events: TraceEvent[] = [];
    const c = await connect({ trace: (e) => events.push(e) });
    for await (const _ of await c.retrieve('/pub/hello.txt'));
    await c.store('/up/trace.txt', [Buffer.from('12345')]);
    assert.deepEqual(events.filter((e) => e.bytes !== undefined).map((e) => e.bytes), [6, 5]);
    await c.quit();
  });

  test('RETR streams a multi-MiB file intact, with progress', async () => {
    const c = await connect();
    const seen: number[] = [];
    const dl = await c.retrieve('/pub/big.bin', { onProgress: (p) => seen.push(p.transferred) });
    assert.equal(dl.expectedSize, BIG.length);
    const got = await collect(dl);
    assert.ok(got.equals(BIG));
    assert.equal(seen.at(-1), BIG.length);
    assert.equal(dl.finalReply?.code, 226);
    await c.quit();
  });

  test('REST resumes a download at an offset', async () => {
    const c = await connect();
    const got = await collect(await c.retrieve('/pub/big.bin', { offset: 1_000_000 }));
    assert.ok(got.equals(BIG.subarray(1_000_000)));
    assert.ok(srv.commands.includes('REST 1000000'));
    await c.quit();
  });

  test('a missing file is a ReplyError 550 and the connection stays usable', async () => {
    const c = await connect();
    await assert.rejects(c.retrieve('/nope'), (e: unknown) => e instanceof ReplyError && e.reply?.code === 550);
    assert.equal((await c.noop()).code, 200);
    await c.quit();
  });

  test('TYPE A download converts CRLF to LF; TYPE sent only when it changes', async () => {
    const c = await connect();
    assert.equal((await collect(await c.retrieve('/text.txt', { ascii: true }))).toString(), 'a\nb\n');
    const before = srv.commands.filter((x) => x === 'TYPE I').length;
    await c.size('/text.txt');
    await c.size('/text.txt');
    assert.equal(srv.commands.filter((x) => x === 'TYPE I').length, before + 1);
    await c.quit();
  });

  test('STOR from an async iterable, APPE, REST+STOR upload resume', async () => {
    const c = await connect();
    async function* gen() {
      yield Buffer.from('one,');
      yield Buffer.from('two,');
    }
    assert.equal((await c.store('/up/a.txt', gen())).code, 226);
    assert.equal(srv.files.get('/up/a.txt')?.toString(), 'one,two,');
    await c.append('/up/a.txt', [Buffer.from('three')]);
    assert.equal(srv.files.get('/up/a.txt')?.toString(), 'one,two,three');
    await c.store('/up/a.txt', [Buffer.from('TWO,three!')], { offset: 4 });
    assert.equal(srv.files.get('/up/a.txt')?.toString(), 'one,TWO,three!');
    await c.quit();
  });

  test('TYPE A upload converts LF to CRLF', async () => {
    const c = await connect();
    await c.store('/up/t.txt', [Buffer.from('x\ny\n')], { ascii: true });
    assert.equal(srv.files.get('/up/t.txt')?.toString(), 'x\r\ny\r\n');
    await c.quit();
  });

  test('list() uses MLSD when offered and drops . and ..', async () => {
    const c = await connect();
    const e = await c.list('/pub');
    assert.deepEqual(e.map((x) => [x.name, x.type]), [['big.bin', 'file'], ['hello.txt', 'file'], ['sub', 'dir']]);
    assert.equal(e[0]!.size, BIG.length);
    assert.ok(srv.commands.includes('MLSD /pub'));
    await c.quit();
  });

  test('NLST and raw LIST', async () => {
    const c = await connect();
    assert.deepEqual(await c.nlst('/pub'), ['big.bin', 'hello.txt', 'sub']);
    assert.match(await c.listRaw('/pub'), /hello\.txt/);
    await c.quit();
  });

  test('listBytes() hands on the server\'s bytes; nlst() and listRaw() read a line that is not UTF-8 as Latin-1, so no byte is lost', async () => {
    const latin = Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9]), Buffer.from('.txt')]);
    const names = Buffer.concat([latin, Buffer.from('\r\nnaïve.txt\r\n')]);
    const hooked = await FakeFtpServer.start({
      dirs: ['/d'],
      hooks: {
        NLST: async (_arg, s) => {
          s.reply(150, 'Listing.');
          const d = await s.data();
          d.end(names);
          await new Promise((r) => d.once('close', r));
          s.reply(226, 'Done.');
          return true;
        },
      },
    });
    const c = await FtpClient.connect({ host: '127.0.0.1', port: hooked.port, timeout: T });
    try {
      assert.deepEqual(await c.listBytes('/d', { command: 'NLST' }), names);
      const got = await c.nlst('/d');
      assert.deepEqual(got, ['caf\u00e9.txt', 'naïve.txt']);
      // The Latin-1 reading gives the server's bytes back; the UTF-8 line stays UTF-8.
      assert.deepEqual(Buffer.from(got[0]!, 'latin1'), latin);
      assert.equal(await c.listRaw('/d', { command: 'NLST' }), 'caf\u00e9.txt\r\nnaïve.txt\r\n');
    } finally {
      await c.quit();
      await hooked.close();
    }
  });

  test('MLST, SIZE, MDTM, MFMT, stat()', async () => {
    const c = await connect();
    const e = await c.mlst('/pub/hello.txt');
    assert.equal(e.type, 'file');
    assert.equal(e.size, 6);
    assert.equal(await c.size('/pub/hello.txt'), 6);
    assert.deepEqual(await c.lastModified('/pub/hello.txt'), new Date(Date.UTC(2020, 0, 2, 3, 4, 5)));
    await c.setLastModified('/pub/hello.txt', new Date(Date.UTC(2001, 1, 3, 4, 5, 6)));
    assert.ok(srv.commands.includes('MFMT 20010203040506 /pub/hello.txt'));
    assert.deepEqual(await c.stat('/missing'), { size: undefined, modified: undefined });
    await c.quit();
  });

  test('stat() reads a SIZE or MDTM answer it cannot parse as unknown, as curl ignores it; size() still refuses it', async () => {
    const odd = await FakeFtpServer.start({
      files: { '/a.txt': 'alpha\n' },
      hooks: { SIZE: (_a, s) => (s.reply(213, '6 bytes'), true), MDTM: (_a, s) => (s.reply(213, 'yesterday'), true) },
    });
    const c = await FtpClient.connect({ host: '127.0.0.1', port: odd.port, timeout: T });
    try {
      assert.deepEqual(await c.stat('/a.txt'), { size: undefined, modified: undefined });
      await assert.rejects(c.size('/a.txt'), (e: ProtocolError) => e instanceof ProtocolError && /malformed SIZE reply/.test(e.message));
      assert.equal(await c.pwd(), '/', 'the session is still usable');
    } finally {
      await c.quit();
      await odd.close();
    }
  });

  test('CWD/CDUP/PWD, MKD/RMD, RNFR/RNTO, DELE, SITE, SYST, MODE S', async () => {
    const c = await connect();
    await c.cd('/pub/sub');
    assert.equal(await c.pwd(), '/pub/sub');
    await c.cdup();
    assert.equal(await c.pwd(), '/pub');
    assert.equal(await c.mkdir('/newdir'), '/newdir');
    assert.equal((await c.rmdir('/newdir')).code, 250);
    await c.store('/r.txt', [Buffer.from('r')]);
    await c.rename('/r.txt', '/s.txt');
    assert.ok(srv.files.has('/s.txt') && !srv.files.has('/r.txt'));
    await c.delete('/s.txt');
    assert.ok(!srv.files.has('/s.txt'));
    assert.equal((await c.site('CHMOD 644 x')).code, 200);
    assert.match(await c.system(), /UNIX/);
    await c.modeStream();
    await assert.rejects(c.cd('/nope'), ReplyError);
    await c.quit();
  });

  test('PASV fallback when EPSV is refused, then PASV only', async () => {
    const s2 = await FakeFtpServer.start({ files: { '/f': 'pasv!' }, noEpsv: true });
    try {
      const c = await FtpClient.connect({ host: '127.0.0.1', port: s2.port, timeout: T });
      assert.equal((await collect(await c.retrieve('/f'))).toString(), 'pasv!');
      assert.equal((await collect(await c.retrieve('/f'))).toString(), 'pasv!');
      assert.equal(s2.commands.filter((x) => x === 'EPSV').length, 1);
      assert.equal(s2.commands.filter((x) => x === 'PASV').length, 2);
      await c.quit();
    } finally {
      await s2.close();
    }
  });

  test('active mode (PORT) download and upload', async () => {
    const c = await connect({ activeMode: true });
    assert.equal((await collect(await c.retrieve('/pub/hello.txt'))).toString(), 'hello\n');
    await c.store('/up/active.txt', [Buffer.from('act')]);
    assert.equal(srv.files.get('/up/active.txt')?.toString(), 'act');
    assert.ok(srv.commands.some((x) => x.startsWith('PORT 127,0,0,1,')));
    await c.quit();
  });

  test('breaking out of a download sends ABOR and leaves the connection usable', async () => {
    const c = await connect();
    const dl = await c.retrieve('/pub/big.bin');
    for await (const chunk of dl) {
      assert.ok(chunk.length > 0);
      break;
    }
    assert.ok(srv.commands.includes('ABOR'));
    assert.equal((await collect(await c.retrieve('/pub/hello.txt'))).toString(), 'hello\n');
    await c.quit();
  });

  test('cancel() before reading frees the connection', async () => {
    const c = await connect();
    const dl = await c.retrieve('/pub/big.bin');
    await dl.cancel();
    await dl.cancel();
    assert.equal((await c.noop()).code, 200);
    await c.quit();
  });

  test('AbortSignal mid-transfer: AbortError, ABOR sent, connection usable', async () => {
    const c = await connect();
    const ac = new AbortController();
    const dl = await c.retrieve('/pub/big.bin', { signal: ac.signal });
    await assert.rejects(
      (async () => {
        for await (const _ of dl) ac.abort();
      })(),
      { code: 'DIAL_E_ABORT' },
    );
    assert.equal((await c.noop()).code, 200);
    await c.quit();
  });

  test('an already-aborted signal sends nothing', async () => {
    const c = await connect();
    const n = srv.commands.length;
    await assert.rejects(c.retrieve('/pub/hello.txt', { signal: AbortSignal.abort() }), { code: 'DIAL_E_ABORT' });
    assert.equal(srv.commands.length, n);
    await c.quit();
  });

  test('one operation at a time: a second is an InputError', async () => {
    const c = await connect();
    const dl = await c.retrieve('/pub/big.bin');
    await assert.rejects(c.noop(), InputError);
    await collect(dl);
    assert.equal((await c.noop()).code, 200);
    await c.quit();
  });

  test('bad offsets and paths are refused before anything is sent', async () => {
    const c = await connect();
    const n = srv.commands.length;
    await assert.rejects(c.retrieve('/x', { offset: -1 }), InputError);
    await assert.rejects(c.cd('a\r\nDELE x'), InputError);
    await assert.rejects(c.send('NOOP\r\nDELE x'), InputError);
    await assert.rejects(c.store('', []), InputError);
    assert.equal(srv.commands.length, n);
    await c.quit();
  });

  test('a read twice is refused', async () => {
    const c = await connect();
    const dl = await c.retrieve('/pub/hello.txt');
    await collect(dl);
    await assert.rejects(collect(dl));
    await c.quit();
  });

  test('ACCT when the server asks for an account (332); without one, a clear ReplyError', async () => {
    const s2 = await FakeFtpServer.start({
      hooks: {
        PASS: (_a, x) => (x.reply(332, 'Need account for login.'), true),
        ACCT: (a, x) => (x.reply(a === 'acme' ? 230 : 530, a === 'acme' ? 'Logged in.' : 'Bad account.'), true),
      },
    });
    try {
      const c = await FtpClient.connect({ host: '127.0.0.1', port: s2.port, timeout: T, user: 'u', password: 'p', account: 'acme' });
      assert.ok(s2.commands.includes('ACCT acme'));
      await c.quit();
      // A ReplyError (as a 530 is), so dial exits 67 as curl does.
      await assert.rejects(FtpClient.connect({ host: '127.0.0.1', port: s2.port, timeout: T, user: 'u', password: 'p' }), (e: unknown) => e instanceof ReplyError && e.phase === 'login' && e.reply?.code === 332 && /account/.test(e.message));
      await assert.rejects(FtpClient.connect({ host: '127.0.0.1', port: s2.port, timeout: T, user: 'u', password: 'p', account: 'x' }), (e: unknown) => e instanceof ReplyError && e.reply?.code === 530);
    } finally {
      await s2.close();
    }
  });

  test('a 120 "ready in a moment" before the 220 greeting is waited out', async () => {
    const s2 = await FakeFtpServer.start({ greeting: '120 Service ready in 1 minute.\r\n220 Ready now.\r\n' });
    try {
      const c = await FtpClient.connect({ host: '127.0.0.1', port: s2.port, timeout: T });
      assert.equal(c.welcome?.code, 220);
      await c.quit();
    } finally {
      await s2.close();
    }
  });

  test('MFMT is refused locally when the server does not offer it', async () => {
    const s2 = await FakeFtpServer.start({ features: ['SIZE'] });
    try {
      const c = await FtpClient.connect({ host: '127.0.0.1', port: s2.port, timeout: T });
      await assert.rejects(c.setLastModified('/x', new Date()), { code: 'DIAL_E_UNSUPPORTED' });
      assert.ok(!s2.commands.some((l) => l.startsWith('MFMT')));
      await c.quit();
    } finally {
      await s2.close();
    }
  });

  test('a server without FEAT (502) still works; send() passes raw commands with expect', async () => {
    const s2 = await FakeFtpServer.start({ files: { '/f': 'ok' }, hooks: { FEAT: (_a, x) => (x.reply(502, 'No FEAT.'), true) } });
    try {
      const c = await FtpClient.connect({ host: '127.0.0.1', port: s2.port, timeout: T });
      assert.equal(c.features.size, 0);
      assert.ok(!s2.commands.includes('OPTS UTF8 ON'));
      assert.equal((await c.send('NOOP', 200)).code, 200);
      await assert.rejects(c.send('XYZZY'), (e: unknown) => e instanceof ReplyError && e.reply?.code === 502);
      await c.quit();
    } finally {
      await s2.close();
    }
  });

  test('quit() twice and close() are safe; a closed client refuses commands', async () => {
    const c = await connect();
    await c.quit();
    await c.quit();
    await c.close();
    assert.equal(c.usable, false);
    await assert.rejects(c.noop());
  });
});

test('reuseBuffer: chunks are views of one reused buffer, the bytes arrive whole; break and a second transfer still work', async () => {
  const data = Buffer.alloc(3_000_000);
  for (let i = 0; i < data.length; i++) data[i] = (i * 131 + 17) & 0xff;
  const s = await FakeFtpServer.start({ files: { '/big': data, '/small': Buffer.from('small') } });
  try {
    const c = await FtpClient.connect({ host: '127.0.0.1', port: s.port, timeout: 10_000 });
    const parts: Buffer[] = [];
    const backing = new Set<ArrayBufferLike>();
    for await (const chunk of await c.retrieve('/big', { reuseBuffer: true })) {
      backing.add(chunk.buffer);
      parts.push(Buffer.from(chunk));
    }
    assert.ok(Buffer.concat(parts).equals(data));
    assert.ok(parts.length > 1);
    assert.equal(backing.size, 1);
    for await (const _ of await c.retrieve('/big', { reuseBuffer: true })) break;
    const again: Buffer[] = [];
    for await (const chunk of await c.retrieve('/small', { reuseBuffer: true })) again.push(Buffer.from(chunk));
    assert.equal(Buffer.concat(again).toString(), 'small');
    await c.quit();
  } finally {
    await s.close();
  }
});

for (const reuseBuffer of [false, true]) {
  test(`a file whose bytes and end all arrive before the Download is read (empty, small), reuseBuffer ${reuseBuffer}`, async () => {
    const s = await FakeFtpServer.start({ files: { '/empty': Buffer.alloc(0), '/small': Buffer.from('small') } });
    try {
      const c = await FtpClient.connect({ host: '127.0.0.1', port: s.port, timeout: 2000, dataTimeout: 1000 });
      for (const [path, text] of [['/empty', ''], ['/small', 'small']] as const) {
        const dl = await c.retrieve(path, { reuseBuffer });
        await new Promise((r) => setTimeout(r, 150));
        const parts: Buffer[] = [];
        for await (const chunk of dl) parts.push(Buffer.from(chunk));
        assert.equal(Buffer.concat(parts).toString(), text);
      }
      await c.quit();
    } finally {
      await s.close();
    }
  });
}

test('a 421 reply ends the session: ReplyError, usable false, later commands fail at once without sending', async () => {
  const s = await FakeFtpServer.start({
    hooks: {
      NOOP: (_a, x) => {
        x.control.end('421 Timeout.\r\n');
        return true;
      },
    },
  });
  try {
    const c = await FtpClient.connect({ host: '127.0.0.1', port: s.port, timeout: 5000 });
    await assert.rejects(c.noop(), (e: unknown) => e instanceof ReplyError && e.reply?.code === 421);
    assert.equal(c.usable, false);
    const sent = s.commands.length;
    await assert.rejects(c.pwd(), { code: 'DIAL_E_CLOSED' });
    assert.equal(s.commands.length, sent);
    await c.close();
  } finally {
    await s.close();
  }
});

test('a 421 answering EPSV, FEAT or SIZE ends the session with that 421, not a PASV fallback, a dead session or a made-up answer', async () => {
  const closing = (_a: string, x: { control: { end(s: string): void } }) => (x.control.end('421 Service not available, closing control connection.\r\n'), true);
  const epsv = await FakeFtpServer.start({ files: { '/f': 'x' }, hooks: { EPSV: closing } });
  const feat = await FakeFtpServer.start({ hooks: { FEAT: closing } });
  const size = await FakeFtpServer.start({ files: { '/f': 'x' }, hooks: { SIZE: closing } });
  const is421 = (e: unknown) => e instanceof ReplyError && e.reply?.code === 421 && /Service not available/.test(e.message);
  try {
    const c = await FtpClient.connect({ host: '127.0.0.1', port: epsv.port, timeout: T });
    await assert.rejects(c.retrieve('/f'), is421);
    assert.ok(!epsv.commands.includes('PASV'), 'no PASV on a connection the server closed');
    assert.equal(c.usable, false);
    // Later commands say why the session is over.
    await assert.rejects(c.pwd(), (e: unknown) => (e as { code?: string }).code === 'DIAL_E_CLOSED' && /421 Service not available/.test((e as Error).message));
    await c.close();

    await assert.rejects(FtpClient.connect({ host: '127.0.0.1', port: feat.port, timeout: T }), is421);

    const d = await FtpClient.connect({ host: '127.0.0.1', port: size.port, timeout: T });
    await assert.rejects(d.stat('/f'), is421);
    await d.close();
  } finally {
    await Promise.all([epsv.close(), feat.close(), size.close()]);
  }
});

test('an upload cut short (the source fails, the signal aborts) resets the data connection: the server never reads a clean end of file', async () => {
  const ends: string[] = [];
  const s = await FakeFtpServer.start({
    dirs: ['/up'],
    hooks: {
      // A stream-mode server stores what came before a clean close as the whole file (RFC 959 §3.4.1); a reset is a failed transfer.
      STOR: async (_a, x) => {
        x.reply(150, 'Ok to send data.');
        const d = await x.data();
        const how = await new Promise<string>((resolve) => {
          d.on('end', () => resolve('end'));
          d.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
        });
        ends.push(how);
        x.reply(how === 'end' ? 226 : 426, how === 'end' ? 'Transfer complete.' : 'Failure reading network stream.');
        return true;
      },
    },
  });
  try {
    const c = await FtpClient.connect({ host: '127.0.0.1', port: s.port, timeout: T });
    async function* failing() {
      yield Buffer.alloc(50_000, 1);
      await new Promise((r) => setTimeout(r, 50));
      throw new Error('local read failed');
    }
    await assert.rejects(c.store('/up/f', failing()));
    const ac = new AbortController();
    async function* aborted() {
      yield Buffer.alloc(5_000, 2);
      await new Promise((r) => setTimeout(r, 50));
      ac.abort();
      yield Buffer.alloc(5_000, 2);
    }
    await assert.rejects(c.store('/up/g', aborted(), { signal: ac.signal }), { code: 'DIAL_E_ABORT' });
    assert.deepEqual(ends, ['ECONNRESET', 'ECONNRESET']);
    // The session is in step: ABOR and NOOP read past the 426.
    assert.equal((await c.noop()).code, 200);
    assert.equal((await c.store('/up/h', [Buffer.from('whole')])).code, 226);
    assert.deepEqual(ends.at(-1), 'end');
    await c.quit();
  } finally {
    await s.close();
  }
});

test("an upload source that fails is the caller's input failing: InputError with the source's error as its cause, not a network reset", async () => {
  const s = await FakeFtpServer.start({ dirs: ['/up'] });
  try {
    const c = await FtpClient.connect({ host: '127.0.0.1', port: s.port, timeout: T });
    const cause = Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
    async function* failing() {
      yield Buffer.from('part');
      throw cause;
    }
    // Phase 'upload': the CLI maps it to curl's read error (26), as for an unreadable -T file.
    await assert.rejects(c.store('/up/f', failing()), (e: unknown) => e instanceof InputError && e.cause === cause && e.phase === 'upload' && /i\/o error/.test(e.message));
    // A missing file's ENOENT is no connect failure either.
    const missing = Object.assign(new Error('ENOENT: no such file or directory'), { code: 'ENOENT' });
    await assert.rejects(
      c.store('/up/g', (async function* () {
        throw missing;
      })()),
      (e: unknown) => e instanceof InputError && e.cause === missing,
    );
    assert.equal((await c.noop()).code, 200);
    await c.quit();
  } finally {
    await s.close();
  }
});

test('a listing past maxListingBytes is a LimitError (the typed class, with its limit), the transfer is stopped and the session stays usable', async () => {
  const names = Array.from({ length: 2000 }, (_, i) => `/d/file-with-a-long-name-${String(i).padStart(5, '0')}`);
  const s = await FakeFtpServer.start({ files: Object.fromEntries(names.map((n) => [n, 'x'])) });
  try {
    const c = await FtpClient.connect({ host: '127.0.0.1', port: s.port, timeout: T, maxListingBytes: 4096 });
    await assert.rejects(c.listRaw('/d'), (e: unknown) => e instanceof LimitError && e.code === 'DIAL_E_LIMIT' && e.limit === 4096);
    await assert.rejects(c.nlst('/d'), LimitError);
    assert.equal((await c.noop()).code, 200);
    await c.quit();
  } finally {
    await s.close();
  }
});
