/**
 * A data connection whose TLS handshake fails — a certificate the client
 * refuses, or a server that drops the connection mid-handshake — over
 * implicit and explicit (AUTH TLS) FTPS, for RETR (iterated and consumed),
 * LIST and STOR: a TLSError naming the data connection, never a hang. A
 * server that answers (425) leaves the session usable after ABOR; one that
 * stalls waiting for the data connection is given one control timeout, then
 * the session is closed; onDataConnectFailure 'close' closes it at once, sending nothing.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { FtpClient, type TransferOptions } from '../../../src/protocols/ftp/index.js';
import { TLSError } from '../../../src/errors.js';
import { makeTestPKI, type TestPKI } from '../../interop/ca.js';
import { FakeFtpServer, type FakeFtpOptions } from './fake-server.js';

let pki: TestPKI;
before(() => void (pki = makeTestPKI()));
after(() => pki?.cleanup());

type Secure = 'implicit' | 'explicit';
type Failure = 'untrusted' | 'drop';

async function session(secure: Secure, failure: Failure, onDataFailure: FakeFtpOptions['onDataFailure'], timeout = 5000): Promise<{ srv: FakeFtpServer; c: FtpClient }> {
  const tls = { cert: pki.server.cert, key: pki.server.key };
  const srv = await FakeFtpServer.start({
    ...(secure === 'implicit' ? { tls } : { authTls: tls }),
    dataTls: failure === 'drop' ? 'drop' : { cert: pki.untrustedServer.cert, key: pki.untrustedServer.key },
    onDataFailure,
    files: { '/f': 'secret file\n' },
  });
  const c = await FtpClient.connect({ host: '127.0.0.1', port: srv.port, secure, tls: { ca: pki.ca.cert }, timeout });
  assert.ok(c.dataProtected);
  return { srv, c };
}

const OPS: Record<string, (c: FtpClient, o: TransferOptions) => Promise<unknown>> = {
  'RETR (iterated)': async (c, o) => {
    for await (const _ of await c.retrieve('/f', o));
  },
  'RETR (consumed)': async (c, o) => (await c.retrieve('/f', o)).consume(() => {}),
  LIST: (c, o) => c.listBytes(undefined, o),
  STOR: (c, o) => c.store('/up', [Buffer.from('upload')], o),
};

const CODE: Record<Failure, string> = { untrusted: 'DIAL_E_TLS_CERT', drop: 'DIAL_E_TLS' };

function isDataTlsError(failure: Failure) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof TLSError, String(e));
    assert.equal(e.code, CODE[failure]);
    assert.equal(e.phase, 'data');
    assert.match(e.message, /data connection/);
    return true;
  };
}

for (const secure of ['implicit', 'explicit'] as const) {
  for (const failure of ['untrusted', 'drop'] as const) {
    for (const [name, op] of Object.entries(OPS)) {
      test(`${secure} FTPS, ${name}, data TLS ${failure}; the server answers 425: TLSError, and the session goes on after ABOR`, async () => {
        const { srv, c } = await session(secure, failure, 'reply');
        try {
          await assert.rejects(op(c, {}), isDataTlsError(failure));
          assert.ok(c.usable);
          assert.equal((await c.noop()).code, 200);
          assert.deepEqual(srv.commands.slice(-3), ['ABOR', 'NOOP', 'NOOP']);
          assert.equal(srv.files.has('/up'), false);
          await c.quit();
        } finally {
          await srv.close();
        }
      });
    }
  }
}

for (const secure of ['implicit', 'explicit'] as const) {
  for (const [name, op] of Object.entries(OPS)) {
    test(`${secure} FTPS, ${name}, data certificate refused; the server never answers ABOR: TLSError within the control timeout, session closed`, async () => {
      const { srv, c } = await session(secure, 'untrusted', 'stall', 1500);
      try {
        await assert.rejects(op(c, {}), isDataTlsError('untrusted'));
        assert.equal(c.usable, false);
        // The server still waits in the transfer command: it read nothing after it (the ABOR and NOOP sit unread).
        assert.match(srv.commands.at(-1) ?? '', /^(RETR|LIST|STOR)\b/);
        await c.close();
      } finally {
        await srv.close();
      }
    });
  }
}

for (const [name, op] of Object.entries(OPS)) {
  test(`onDataConnectFailure 'close', ${name}: a data handshake dropped mid-way closes the session at once, with no ABOR to wait on`, async () => {
    // A 60 s control timeout: were anything waited on, the runner's bound would end the test first.
    const { srv, c } = await session('implicit', 'drop', 'stall', 60_000);
    try {
      await assert.rejects(op(c, { onDataConnectFailure: 'close' }), isDataTlsError('drop'));
      assert.equal(c.usable, false);
      assert.ok(!srv.commands.includes('ABOR'), srv.commands.join(','));
      await c.close();
    } finally {
      await srv.close();
    }
  });
}

test('ABOR recovery is one control timeout in all: a server that trickles replies, never the NOOP\'s 200, is cut off before the sixth', async () => {
  const tls = { cert: pki.server.cert, key: pki.server.key };
  const srv = await FakeFtpServer.start({
    tls,
    dataTls: { cert: pki.untrustedServer.cert, key: pki.untrustedServer.key },
    onDataFailure: 'reply',
    files: { '/f': 'x' },
    hooks: {
      // Each reply comes well within the per-reply bound; their sum does not.
      ABOR: (_arg, s) => {
        const tick = setInterval(() => s.reply(426, 'Still aborting.'), 300);
        s.control.once('close', () => clearInterval(tick));
        return true;
      },
      NOOP: () => true,
    },
  });
  const seen: string[] = [];
  const c = await FtpClient.connect({ host: '127.0.0.1', port: srv.port, secure: 'implicit', tls: { ca: pki.ca.cert }, timeout: 1000, trace: (e) => seen.push(`${e.kind} ${e.text}`) });
  try {
    await assert.rejects(OPS['RETR (iterated)']!(c, {}), isDataTlsError('untrusted'));
    assert.equal(c.usable, false);
    const after = seen.slice(seen.indexOf('> ABOR'));
    const replies = after.filter((l) => l.startsWith('< ')).length;
    assert.ok(replies >= 1 && replies < 6, after.join('\n'));
    assert.ok(after.some((l) => /^\* Control connection closed: .*(timed out|within 1000 ms)/.test(l)), after.join('\n'));
  } finally {
    await c.close();
    await srv.close();
  }
});

test('active mode: the server\'s data connection speaks no TLS → TLSError (phase data); the session goes on after ABOR, or closes at once with onDataConnectFailure \'close\'', async () => {
  const srv = await FakeFtpServer.start({ tls: { cert: pki.server.cert, key: pki.server.key }, files: { '/f': 'plain bytes, not a TLS hello\n' } });
  try {
    for (const onDataConnectFailure of ['recover', 'close'] as const) {
      const c = await FtpClient.connect({ host: '127.0.0.1', port: srv.port, secure: 'implicit', tls: { ca: pki.ca.cert }, timeout: 5000, activeMode: true });
      await assert.rejects(OPS['RETR (iterated)']!(c, { onDataConnectFailure }), (e: unknown) => e instanceof TLSError && e.phase === 'data' && /data connection/.test(e.message));
      if (onDataConnectFailure === 'recover') {
        assert.equal((await c.noop()).code, 200);
        await c.quit();
      } else {
        assert.equal(c.usable, false);
        await c.close();
      }
    }
  } finally {
    await srv.close();
  }
});
