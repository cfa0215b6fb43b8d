/**
 * FTP through proxies that let the control connection through and then
 * refuse (or drop) the data tunnels: a typed error for the transfer, and a
 * control connection still in step for the next command.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { FtpClient } from '../../src/protocols/ftp/index.js';
import { DialError, ReplyError } from '../../src/errors.js';
import { FakeFtpServer } from '../protocols/ftp/fake-server.js';
import { connectProxy, socks5Proxy, type FakeProxy } from '../protocols/ftp/fake-proxy.js';

let ftp: FakeFtpServer;
let http: FakeProxy;
let socks: FakeProxy;

before(async () => {
  ftp = await FakeFtpServer.start({ files: { '/f': Buffer.from('file') } });
  const refuse = (port: number) => port !== ftp.port;
  http = await connectProxy({ refuse, coalesceTo: ftp.port });
  socks = await socks5Proxy({ refuse });
});
after(async () => {
  await Promise.all([ftp?.close(), http?.close(), socks?.close()]);
});

test('CONNECT proxy answers 403 for the passive port: ReplyError 403, and the session goes on', async () => {
  const c = await FtpClient.connect({ host: '127.0.0.1', port: ftp.port, proxy: `http://127.0.0.1:${http.port}`, timeout: 5000 });
  await assert.rejects(c.retrieve('/f'), (e: unknown) => e instanceof ReplyError && e.reply?.code === 403);
  assert.equal(await c.pwd(), '/');
  assert.ok(!ftp.commands.includes('RETR /f'), 'RETR must not be sent without a data connection');
  await c.quit();
});

test('SOCKS5 proxy refuses the passive port (reply 2): a DialError, and the session goes on', async () => {
  const c = await FtpClient.connect({ host: '127.0.0.1', port: ftp.port, proxy: `socks5://127.0.0.1:${socks.port}`, timeout: 5000 });
  await assert.rejects(c.list('/'), DialError);
  assert.equal((await c.noop()).code, 200);
  await c.quit();
});
