/**
 * Active mode's offer of an address: EPRT first over IPv4 when `eprt` asks
 * (curl's default), PORT once EPRT is refused and from then on; PORT at once
 * without it (curl --disable-eprt).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { FtpClient } from '../../../src/protocols/ftp/index.js';
import { FakeFtpServer } from './fake-server.js';

let srv: FakeFtpServer;
let noEprt: FakeFtpServer;
before(async () => {
  srv = await FakeFtpServer.start({ files: { '/f.txt': 'hello' } });
  noEprt = await FakeFtpServer.start({ files: { '/f.txt': 'hello' }, hooks: { EPRT: (_a, s) => (s.reply(500, 'EPRT not understood'), true) } });
});
after(async () => {
  await srv?.close();
  await noEprt?.close();
});

async function read(c: FtpClient): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of await c.retrieve('/f.txt')) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts).toString();
}

const offers = (s: FakeFtpServer, from: number) => s.commands.slice(from).filter((c) => /^(EPRT|PORT) /.test(c)).map((c) => c.split(' ')[0]);

test('eprt: true offers EPRT |1|…| over IPv4, and the server connects to it', async () => {
  const from = srv.commands.length;
  const c = await FtpClient.connect({ host: '127.0.0.1', port: srv.port, timeout: 5000, activeMode: true, eprt: true });
  assert.equal(await read(c), 'hello');
  await c.quit();
  assert.deepEqual(offers(srv, from), ['EPRT']);
  assert.ok(srv.commands.slice(from).some((l) => /^EPRT \|1\|127\.0\.0\.1\|\d+\|$/.test(l)));
});

test('eprt: true on a server that refuses EPRT: PORT instead, and PORT only for the next transfer', async () => {
  const from = noEprt.commands.length;
  const c = await FtpClient.connect({ host: '127.0.0.1', port: noEprt.port, timeout: 5000, activeMode: true, eprt: true });
  assert.equal(await read(c), 'hello');
  assert.equal(await read(c), 'hello');
  await c.quit();
  assert.deepEqual(offers(noEprt, from), ['EPRT', 'PORT', 'PORT']);
});

test('without eprt (the default): PORT at once over IPv4', async () => {
  const from = srv.commands.length;
  const c = await FtpClient.connect({ host: '127.0.0.1', port: srv.port, timeout: 5000, activeMode: true });
  assert.equal(await read(c), 'hello');
  await c.quit();
  assert.deepEqual(offers(srv, from), ['PORT']);
});
