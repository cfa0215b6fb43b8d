/**
 * Socket.detach() as the HTTP connection uses it, and idle pooled connections
 * that do not keep the process alive.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { fileURLToPath } from 'node:url';
import { Socket } from '../../../src/socket/socket.js';
import { NetworkError } from '../../../src/errors.js';
import { runChildScript } from '../../helpers/child-script.js';

async function echoPair(): Promise<{ client: Socket; peer: Promise<net.Socket>; close: () => void }> {
  let resolvePeer!: (s: net.Socket) => void;
  const peer = new Promise<net.Socket>((r) => (resolvePeer = r));
  const server = net.createServer((s) => resolvePeer(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  const client = await Socket.connect({ host: '127.0.0.1', port });
  return { client, peer, close: () => server.close() };
}

test('detach hands over the raw socket paused, with the bytes already queued; the Socket is then unusable', async () => {
  const { client, peer, close } = await echoPair();
  const p = await peer;
  p.write('early');
  while (client.bufferedLength < 5) await new Promise((r) => setTimeout(r, 5));
  const { socket, buffered, ended } = client.detach();
  assert.equal(buffered.toString(), 'early');
  assert.equal(ended, false);
  assert.equal(client.detached, true);
  assert.equal(socket.isPaused(), true);
  await assert.rejects(client.recv(), (e) => e instanceof NetworkError && /detach/.test(e.message));
  await assert.rejects(client.send('x'), NetworkError);
  // close() and destroy() on the old wrapper leave the handed-over socket alone.
  await client.close();
  client.destroy();
  assert.equal(socket.destroyed, false);
  const got = new Promise<string>((r) => socket.once('data', (b: Buffer) => r(b.toString())));
  socket.resume();
  p.write('late');
  assert.equal(await got, 'late');
  socket.destroy();
  p.destroy();
  close();
});

test('detach on a closed Socket throws', async () => {
  const { client, peer, close } = await echoPair();
  (await peer).destroy();
  await client.close();
  assert.throws(() => client.detach(), NetworkError);
  close();
});

test('a process that made one request() with the global agent exits on its own', async () => {
  const server = net.createServer((s) => {
    s.on('data', () => s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nKeep-Alive: timeout=60\r\n\r\nok'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  const client = new URL('../../../src/protocols/http/client.js', import.meta.url);
  const script = `import { request } from ${JSON.stringify(client.href)};
const res = await request('http://127.0.0.1:${port}/');
process.stdout.write(res.status + ' ' + (await res.text()));`;
  const t0 = Date.now();
  // Bounded: the agent's idle timeout (4 s) must not be what ends it, and nothing else may hold it.
  const { code, out } = await runChildScript(script, { cwd: fileURLToPath(new URL('.', import.meta.url)) });
  server.close();
  for (const s of [server]) s.unref();
  assert.equal(code, 0, `child did not exit on its own (${code}) after ${Date.now() - t0} ms`);
  assert.equal(out, '200 ok');
  assert.ok(Date.now() - t0 < 3500, `took ${Date.now() - t0} ms: an idle timer or socket held the process`);
});

test('a process that reads only the status of a big response exits on its own, as with fetch and undici; one that reads the body gets all of it', async () => {
  const big = Buffer.alloc(5_000_000, 7);
  const server = net.createServer((s) => {
    // The child that leaves the body unread exits with it in flight: the reset is expected.
    s.on('error', () => {});
    s.once('data', () => s.end(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${big.length}\r\n\r\n`), big])));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  const client = new URL('../../../src/protocols/http/client.js', import.meta.url);
  const cwd = fileURLToPath(new URL('.', import.meta.url));
  try {
    const statusOnly = await runChildScript(`import { request } from ${JSON.stringify(client.href)};
const res = await request('http://127.0.0.1:${port}/');
process.stdout.write(String(res.status));`, { cwd });
    assert.equal(statusOnly.code, 0, `an unread body held the process (${statusOnly.code})`);
    assert.equal(statusOnly.out, '200');
    // A reader that pauses between pieces (on a timer of its own) still gets every byte: the socket is held again on each pull.
    const slow = await runChildScript(`import { request } from ${JSON.stringify(client.href)};
const res = await request('http://127.0.0.1:${port}/');
let n = 0;
for await (const chunk of res.body) { n += chunk.length; if (n < 2_000_000) await new Promise((r) => setTimeout(r, 1)); }
process.stdout.write(String(n));`, { cwd });
    assert.equal(slow.code, 0);
    assert.equal(slow.out, String(big.length));
  } finally {
    server.close();
  }
});
