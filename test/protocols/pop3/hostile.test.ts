/**
 * POP3 servers that misbehave on purpose: an endless status line, an endless
 * listing, an endless body and body line, a -ERR inside a body, a close in
 * the middle of a block, bare LF endings, and STAT numbers too big to hold.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pop3Client } from '../../../src/protocols/pop3/client.js';
import { LimitError, ProtocolError } from '../../../src/errors.js';
import { rawPeer, within } from '../../helpers/peers.js';
import { flood, lineServers, type LineServer as FakeServer } from '../../helpers/fake-line-server.js';
import { pop3Options, standard } from './server.js';

const server = lineServers(pop3Options);

const login = (s: FakeServer, extra: Partial<Parameters<typeof Pop3Client.connect>[0]> = {}) =>
  Pop3Client.connect({ host: '127.0.0.1', port: s.port, timeout: 5000, user: 'alice', password: 'secret', auth: 'user', ...extra });

test('hostile: an endless greeting line is a LimitError at maxLine; the server sent only a little', async () => {
  const counter = { sent: 0 };
  const peer = await rawPeer((c) => flood(c, 'x'.repeat(65536), 512 * 1024 * 1024, counter, '+OK '));
  try {
    const err = await within(Pop3Client.connect({ host: '127.0.0.1', port: peer.port, timeout: 5000 }).catch((e: unknown) => e), 10_000, 'connect');
    assert.ok(err instanceof LimitError && err.limit === 8192, String(err));
    assert.ok(counter.sent < 32 * 1024 * 1024, `the server sent ${counter.sent} bytes`);
  } finally {
    await peer.close();
  }
});

test('hostile: an endless LIST is a LimitError at maxListEntries', async () => {
  const counter = { sent: 0 };
  const s = await server((line, conn) => (line === 'LIST' ? flood(conn.socket, '1 100\r\n'.repeat(1000), 1e9, counter, '+OK\r\n') : standard(line, conn)));
  const pop = await login(s, { maxListEntries: 10_000 });
  const err = await within(pop.list().catch((e: unknown) => e), 10_000, 'LIST');
  assert.ok(err instanceof LimitError && err.limit === 10_000, String(err));
  assert.ok(counter.sent < 32 * 1024 * 1024);
  // Fatal: the conversation is out of step, so the connection is gone.
  await assert.rejects(pop.noop());
  // Before: state still said 'transaction'.
  assert.equal(pop.state, 'closed');
});

test('hostile: an endless RETR stops at maxBytes; an endless body line at maxBodyLine', async () => {
  const counter = { sent: 0 };
  const s = await server((line, conn) => (line === 'RETR 1' ? flood(conn.socket, 'line of body\r\n'.repeat(5000), 1e9, counter, '+OK\r\n') : standard(line, conn)));
  const pop = await login(s);
  const m = await pop.retr(1, { maxBytes: 1024 * 1024 });
  const err = await within(m.bytes().catch((e: unknown) => e), 10_000, 'RETR');
  assert.ok(err instanceof LimitError && err.limit === 1024 * 1024, String(err));

  const c2 = { sent: 0 };
  const t = await server((line, conn) => (line === 'RETR 1' ? flood(conn.socket, 'y'.repeat(65536), 1e9, c2, '+OK\r\n') : standard(line, conn)));
  const pop2 = await login(t, { maxBodyLine: 100_000 });
  const err2 = await within((await pop2.retr(1)).bytes().catch((e: unknown) => e), 10_000, 'RETR line');
  assert.ok(err2 instanceof LimitError && err2.limit === 100_000, String(err2));
});

test('hostile: "-ERR" inside a body is body text (POP3 cannot fail mid-block); a close mid-block is a ProtocolError', async () => {
  const s = await server((line, conn) => {
    if (line === 'RETR 1') return '+OK\r\nSubject: x\r\n\r\n-ERR this is data\r\n.\r\n';
    if (line === 'RETR 2') {
      conn.end('+OK\r\nSubject: y\r\n\r\npartial\r\n-ERR server crashed\r\n');
      return undefined;
    }
    return standard(line, conn);
  });
  const pop = await login(s);
  assert.equal(await (await pop.retr(1)).text(), 'Subject: x\r\n\r\n-ERR this is data\r\n');
  const m = await pop.retr(2);
  const err = await within(m.text().catch((e: unknown) => e), 5000, 'RETR 2');
  assert.ok(err instanceof ProtocolError, String(err));
  assert.equal(m.complete, false);
  await assert.rejects(pop.noop());
});

test('hostile: -ERR in place of a body is a ReplyError and the session goes on', async () => {
  const s = await server((line, conn) => (line === 'RETR 1' ? '-ERR [SYS/TEMP] message locked\r\n' : standard(line, conn)));
  const pop = await login(s);
  await assert.rejects(pop.retr(1), /SYS\/TEMP/);
  await pop.noop();
  await pop.quit();
});

test('hostile: bare LF endings are read (lenient, as curl), unstuffed and rebuilt with CRLF', async () => {
  const s = await server(
    (line, conn) => {
      const out = standard(line, conn);
      return out?.replace(/\r\n/g, '\n');
    },
    '+OK lf only\n',
  );
  const pop = await login(s);
  assert.equal((await pop.stat()).count, 2);
  assert.equal(await (await pop.retr(1)).text(), 'Subject: one\r\n\r\n.dotted line\r\nbody\r\n');
  await pop.quit();
});

test('hostile: STAT and LIST numbers too big to hold exactly are ProtocolErrors, never rounded', async () => {
  const s = await server((line, conn) => {
    if (line === 'STAT') return '+OK 99999999999999999999 18446744073709551616\r\n';
    if (line === 'LIST 1') return '+OK 1 1e400\r\n';
    return standard(line, conn);
  });
  const pop = await login(s);
  await assert.rejects(pop.stat(), ProtocolError);
  const pop2 = await login(s);
  await assert.rejects(pop2.list(1), ProtocolError);
});

test('hostile: a listing of few but long lines stops at maxListBytes (listings are held whole)', async () => {
  const counter = { sent: 0 };
  const s = await server((line, conn) => (line === 'UIDL' ? flood(conn.socket, `1 ${'u'.repeat(8000)}\r\n`.repeat(100), 1e9, counter, '+OK\r\n') : standard(line, conn)));
  const pop = await login(s, { maxListBytes: 1024 * 1024 });
  const err = await within(pop.uidl().catch((e: unknown) => e), 10_000, 'UIDL');
  assert.ok(err instanceof LimitError && err.limit === 1024 * 1024, String(err));
});

test('hostile: a line injected after the STLS go-ahead is refused (DIAL_E_INJECTION), never read as TLS-era data', async () => {
  const s = await server((line, conn) => (line === 'STLS' ? '+OK begin TLS\r\n+OK injected\r\n' : standard(line, conn)));
  const err = await Pop3Client.connect({ host: '127.0.0.1', port: s.port, timeout: 5000, secure: 'starttls' }).catch((e: unknown) => e);
  assert.ok(err instanceof ProtocolError && err.code === 'DIAL_E_INJECTION', String(err));
});

test('hostile: a 128 MiB message streams through with bounded memory (nothing is held whole)', async () => {
  const counter = { sent: 0 };
  const total = 128 * 1024 * 1024;
  const block = '.a line that starts with a dot and goes on for a while, as lines in mail do\r\n'.repeat(800);
  const s = await server((line, conn) => (line === 'RETR 1' ? flood(conn.socket, block, total, counter, '+OK\r\n', '.\r\n') : standard(line, conn)));
  const pop = await login(s);
  const before = process.memoryUsage().rss;
  let peak = before;
  let got = 0;
  const m = await pop.retr(1);
  for await (const chunk of m.body) {
    got += chunk.length;
    if (got % (8 * 1024 * 1024) < chunk.length) peak = Math.max(peak, process.memoryUsage().rss);
  }
  // Each line lost its stuffed dot on the way in.
  assert.equal(got, counter.sent - counter.sent / 77);
  assert.ok(peak - before < 96 * 1024 * 1024, `RSS grew by ${peak - before} bytes`);
  await pop.quit();
});

test('property: whatever a server answers to LIST and RETR, the client ends in a value or a typed DialError, never a hang', async () => {
  const fc = (await import('fast-check')).default;
  const { DialError } = await import('../../../src/errors.js');
  let junk = Buffer.alloc(0);
  const s = await server((line, conn) => {
    if (line === 'LIST' || line === 'RETR 1') {
      conn.end(junk);
      return undefined;
    }
    return standard(line, conn);
  });
  const piece = fc.oneof(
    fc.uint8Array({ maxLength: 10 }).map((b) => Buffer.from(b)),
    fc.constantFrom('+OK', '-ERR', '\r\n', '\n', '.', '..', '.\r\n', ' ', '1 ', '99999999999999999999', '[IN-USE]').map((t) => Buffer.from(t)),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(piece, { maxLength: 25 }), fc.boolean(), async (parts, list) => {
      junk = Buffer.concat(parts);
      const pop = await login(s, { timeout: 2000 });
      try {
        const run = list ? pop.list() : pop.retr(1).then((m) => m.bytes());
        await within(
          run.then(
            () => undefined,
            (e: unknown) => assert.ok(e instanceof DialError, String(e)),
          ),
          5000,
          'client',
        );
      } finally {
        await pop.close();
      }
    }),
    { numRuns: 60 },
  );
});
