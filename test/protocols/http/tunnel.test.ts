/** request() through an in-process SOCKS5 proxy: the tunnel, remote DNS, and TLS verified end to end. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { request, Agent } from '../../../src/protocols/http/index.js';
import { keepAlive, serve } from './server.js';

/** A minimal SOCKS5 server (no auth, CONNECT only) that records the hosts it was asked for. */
async function socks5(asked: string[]): Promise<{ port: number; close(): Promise<void> }> {
  const conns = new Set<net.Socket>();
  const srv = net.createServer((c) => {
    conns.add(c);
    c.on('close', () => conns.delete(c));
    c.on('error', () => {});
    let buf = Buffer.alloc(0);
    let stage = 0;
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (stage === 0 && buf.length >= 2 && buf.length >= 2 + buf[1]!) {
        buf = buf.subarray(2 + buf[1]!);
        stage = 1;
        c.write(Buffer.from([5, 0]));
      }
      if (stage === 1 && buf.length >= 5) {
        const atyp = buf[3]!;
        let host: string;
        let off: number;
        if (atyp === 1) [host, off] = [[...buf.subarray(4, 8)].join('.'), 8];
        else if (atyp === 3) [host, off] = [buf.subarray(5, 5 + buf[4]!).toString(), 5 + buf[4]!];
        else return c.destroy();
        if (buf.length < off + 2) return;
        const port = buf.readUInt16BE(off);
        asked.push(`${host}:${port}`);
        stage = 2;
        c.removeListener('data', onData);
        const up = net.connect(port, '127.0.0.1', () => {
          c.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0]));
          c.pipe(up).pipe(c);
        });
        up.on('error', () => c.destroy());
        conns.add(up);
        up.on('close', () => conns.delete(up));
      }
    };
    c.on('data', onData);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    port: (srv.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of conns) s.destroy();
        srv.close(() => r());
      }),
  };
}

test('http:// through socks5h: the proxy resolves the name; keep-alive through the tunnel', async () => {
  const asked: string[] = [];
  const proxy = await socks5(asked);
  const origin = await serve(keepAlive((req, _b, c) => c.respond(200, `via socks ${req.header('host')}`)));
  const agent = new Agent();
  for (let i = 0; i < 2; i++) {
    const res = await request(`http://target.invalid:${origin.port}/`, { agent, proxy: `socks5h://127.0.0.1:${proxy.port}` });
    assert.equal(await res.text(), `via socks target.invalid:${origin.port}`);
  }
  assert.deepEqual(asked, [`target.invalid:${origin.port}`], 'one tunnel, reused');
  await agent.close();
  await origin.close();
  await proxy.close();
});

test('socks5 (local DNS): the proxy is given an address', async () => {
  const asked: string[] = [];
  const proxy = await socks5(asked);
  const origin = await serve(keepAlive((_r, _b, c) => c.respond(200, 'ok')));
  const agent = new Agent();
  const res = await request(`http://localhost:${origin.port}/`, { agent, proxy: `socks5://127.0.0.1:${proxy.port}`, lookup: async () => [{ address: '127.0.0.1', family: 4 }] });
  assert.equal(await res.text(), 'ok');
  assert.deepEqual(asked, [`127.0.0.1:${origin.port}`]);
  await agent.close();
  await origin.close();
  await proxy.close();
});
