/** FTP over IPv6 loopback: EPSV and EPRT (RFC 2428), and no PASV fallback that cannot work. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { FtpClient } from '../../../src/protocols/ftp/index.js';
import { ProtocolError } from '../../../src/errors.js';
import { FakeFtpServer } from './fake-server.js';

let srv: FakeFtpServer;
let noEpsv: FakeFtpServer;
before(async () => {
  srv = await FakeFtpServer.start({ host: '::1', files: { '/f': 'over v6' } });
  noEpsv = await FakeFtpServer.start({ host: '::1', files: { '/f': 'x' }, noEpsv: true });
});
after(async () => {
  await srv.close();
  await noEpsv.close();
});

async function text(it: AsyncIterable<Uint8Array>): Promise<string> {
  let s = '';
  for await (const c of it) s += Buffer.from(c).toString();
  return s;
}

test('passive over IPv6 uses EPSV to the control host', async () => {
  const c = await FtpClient.connect({ host: '::1', port: srv.port, timeout: 3000 });
  assert.equal(await text(await c.retrieve('/f')), 'over v6');
  assert.ok(srv.commands.includes('EPSV'));
  await c.quit();
});

test('active over IPv6 sends EPRT |2|::1|port|', async () => {
  const c = await FtpClient.connect({ host: '::1', port: srv.port, timeout: 3000, activeMode: true });
  assert.equal(await text(await c.retrieve('/f')), 'over v6');
  assert.ok(srv.commands.some((l) => /^EPRT \|2\|::1\|\d+\|$/.test(l)), srv.commands.join('\n'));
  await c.quit();
});

test('IPv6 with EPSV refused: a clear ProtocolError, never a PASV to an IPv4 address', async () => {
  const c = await FtpClient.connect({ host: '::1', port: noEpsv.port, timeout: 3000 });
  await assert.rejects(c.retrieve('/f'), (e: unknown) => e instanceof ProtocolError && /IPv6/.test(e.message));
  assert.ok(!noEpsv.commands.includes('PASV'));
  await c.quit();
});
