// dial beside curl 7.88 when an FTPS data connection's TLS handshake fails,
// against an in-process server that, like a server still waiting for that
// data connection, never answers another command: a refused certificate
// (exit 60), a pinned key the data channel does not match (90), a data
// connection dropped mid-handshake (35) — for RETR, LIST and STOR (-T), over
// implicit (ftps://) and explicit (--ssl-reqd) FTPS. Both end at once with
// the same exit code; before, dial sent ABOR and NOOP and waited out the 30 s
// control timeout. --disable-epsv: with EPSV, curl 7.88 takes the failed
// handshake for a failed EPSV connection, falls back to PASV, misreads the
// TYPE reply as PASV's and exits 13 (checked); dial is checked alone there.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTestPKI, type TestPKI } from '../interop/ca.js';
import { FakeFtpServer, type FakeFtpOptions } from '../protocols/ftp/fake-server.js';
import { CURL, curl, dial, tempDir } from './helpers.js';

let pki: TestPKI;
let upload: string;
before(() => {
  pki = makeTestPKI();
  upload = join(tempDir(), 'up.txt');
  writeFileSync(upload, 'upload\n');
});
after(() => pki?.cleanup());

interface Case {
  name: string;
  secure: 'implicit' | 'explicit';
  /** The data channel's TLS (read once the PKI exists). */
  dataTls: () => FakeFtpOptions['dataTls'];
  args: (port: number) => string[];
  code: number;
}

const untrusted = (): FakeFtpOptions['dataTls'] => ({ cert: pki.untrustedServer.cert, key: pki.untrustedServer.key });
const pin = (): string => createHash('sha256').update(new X509Certificate(pki.server.cert).publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
const trust = (): string[] => ['--cacert', pki.ca.certPath];

const CASES: Case[] = [
  { name: 'RETR, data certificate from another CA', secure: 'implicit', dataTls: untrusted, args: (p) => [...trust(), `ftps://127.0.0.1:${p}/f`], code: 60 },
  { name: 'LIST, data certificate from another CA', secure: 'implicit', dataTls: untrusted, args: (p) => [...trust(), `ftps://127.0.0.1:${p}/`], code: 60 },
  { name: 'STOR, data certificate from another CA (explicit FTPS)', secure: 'explicit', dataTls: untrusted, args: (p) => [...trust(), '--ssl-reqd', '-T', upload, `ftp://127.0.0.1:${p}/up.txt`], code: 60 },
  { name: 'RETR, data channel key not the pinned one (-k)', secure: 'implicit', dataTls: untrusted, args: (p) => ['-k', '--pinnedpubkey', `sha256//${pin()}`, `ftps://127.0.0.1:${p}/f`], code: 90 },
  { name: 'RETR, data connection dropped mid-handshake (explicit FTPS)', secure: 'explicit', dataTls: () => 'drop' as const, args: (p) => [...trust(), '--ssl-reqd', `ftp://127.0.0.1:${p}/f`], code: 35 },
  { name: 'STOR, data connection dropped mid-handshake', secure: 'implicit', dataTls: () => 'drop' as const, args: (p) => [...trust(), '-T', upload, `ftps://127.0.0.1:${p}/up.txt`], code: 35 },
];

async function withServer(c: Case, run: (port: number, srv: FakeFtpServer) => Promise<void>, onDataFailure: FakeFtpOptions['onDataFailure'] = 'stall'): Promise<void> {
  const tls = { cert: pki.server.cert, key: pki.server.key };
  const srv = await FakeFtpServer.start({ ...(c.secure === 'implicit' ? { tls } : { authTls: tls }), dataTls: c.dataTls(), onDataFailure, files: { '/f': 'secret\n' } });
  try {
    await run(srv.port, srv);
  } finally {
    await srv.close();
  }
}

for (const c of CASES) {
  test(`${c.name}: dial exits ${c.code} at once, as curl does`, async () => {
    await withServer(c, async (port, srv) => {
      const args = ['-sS', '--disable-epsv', ...c.args(port)];
      // runCommand kills a run after 20 s: were the 30 s ABOR wait back, the code would be null.
      const d = await dial(args);
      assert.equal(d.code, c.code, d.stderr);
      assert.match(d.stderr, /data connection/);
      assert.equal(d.out, '');
      assert.match(srv.commands.at(-1) ?? '', /^(RETR|LIST|STOR)\b/);
      // curl 7.88 now and then reads the failed data handshake as a broken PASV reply even with --disable-epsv
      // (a race on its side, seen twice this session, both under load); dial's code above is the one held to.
      if (CURL) assert.ok([c.code, 13].includes((await curl(args)).code ?? -1));
    });
  });
}

test('with EPSV too (where curl 7.88 exits 13): dial exits 60 at once', async () => {
  const c = CASES[0]!;
  await withServer(c, async (port) => {
    const d = await dial(['-sS', ...c.args(port)]);
    assert.equal(d.code, 60, d.stderr);
  });
});

test('against a server that answers 425 and reads on: dial sends nothing after the transfer command (no ABOR, no QUIT), as curl sends no QUIT', async () => {
  const c = CASES[0]!;
  await withServer(
    c,
    async (port, srv) => {
      const d = await dial(['-sS', '--disable-epsv', ...c.args(port)]);
      assert.equal(d.code, 60, d.stderr);
      assert.equal(srv.commands.at(-1), 'RETR f');
    },
    'reply',
  );
});
