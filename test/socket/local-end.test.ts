import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { once } from 'node:events';
import { networkInterfaces } from 'node:os';
import { connectTcp } from '../../src/socket/connect.js';
import { Socket } from '../../src/socket/socket.js';
import { localEndKey, localPorts } from '../../src/socket/local-end.js';
import { ConnectError, InputError } from '../../src/errors.js';
import { poolKey } from '../../src/protocols/http/agent.js';

/** A loopback server that answers each connection with the peer's address and port, then closes. */
async function echoPeer(): Promise<{ port: number; close(): Promise<void> }> {
  const srv = net.createServer((c) => c.end(`${c.remoteAddress} ${c.remotePort}`));
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  return { port: (srv.address() as net.AddressInfo).port, close: () => new Promise((r) => srv.close(() => r())) };
}

/** Holds a listening socket on 127.0.0.1:port, which makes binding that port fail with EADDRINUSE. */
async function hold(port: number): Promise<net.Server | undefined> {
  const s = net.createServer();
  return new Promise((resolve) => {
    s.once('error', () => resolve(undefined));
    s.listen(port, '127.0.0.1', () => resolve(s));
  });
}

/** Two adjacent ports: the first held (taken), the second free when the test starts. Bounded tries. */
async function takenThenFree(): Promise<{ port: number; taken: net.Server }> {
  for (let i = 0; i < 20; i++) {
    const taken = await hold(0);
    const port = (taken!.address() as net.AddressInfo).port;
    const probe = port < 65535 ? await hold(port + 1) : undefined;
    if (probe) {
      await new Promise((r) => probe.close(r));
      return { port, taken: taken! };
    }
    await new Promise((r) => taken!.close(r));
  }
  throw new Error('no pair of adjacent ports found');
}

function loopbackName(): string | undefined {
  for (const [name, list] of Object.entries(networkInterfaces())) if (list?.some((a) => a.address === '127.0.0.1')) return name;
  return undefined;
}

const isBind = (e: unknown) => e instanceof ConnectError && e.code === 'DIAL_E_CONNECT' && e.phase === 'bind';

describe('TcpTarget.local (curl --interface, --local-port)', () => {
  test('an address binds the source address the server sees', async () => {
    const srv = await echoPeer();
    try {
      const s = await Socket.connect({ host: '127.0.0.1', port: srv.port, local: { interface: 'host!127.0.0.2' }, timeout: 5000 });
      assert.equal((await s.recv()).toString().split(' ')[0], '127.0.0.2');
      await s.close();
      const bare = await Socket.connect({ host: '127.0.0.1', port: srv.port, local: { interface: '127.0.0.3' }, timeout: 5000 });
      assert.equal((await bare.recv()).toString().split(' ')[0], '127.0.0.3');
      await bare.close();
    } finally {
      await srv.close();
    }
  });

  test('an interface name binds that interface’s address of the family dialled', async () => {
    const name = loopbackName();
    assert.ok(name, 'a loopback interface with 127.0.0.1');
    const srv = await echoPeer();
    try {
      for (const spec of [name, `if!${name}`]) {
        const s = await Socket.connect({ host: '127.0.0.1', port: srv.port, local: { interface: spec }, timeout: 5000 });
        assert.deepEqual('address' in s.localAddress && s.localAddress.address, '127.0.0.1', spec);
        await s.close();
      }
    } finally {
      await srv.close();
    }
  });

  test('a host name is resolved with the connection’s lookup', async () => {
    const srv = await echoPeer();
    const asked: string[] = [];
    const lookup = async (host: string) => {
      asked.push(host);
      return [{ address: host === 'me.test' ? '127.0.0.4' : '127.0.0.1', family: 4 as const }];
    };
    try {
      const s = await Socket.connect({ host: 'server.test', port: srv.port, lookup, local: { interface: 'me.test' }, timeout: 5000 });
      assert.equal((await s.recv()).toString().split(' ')[0], '127.0.0.4');
      assert.deepEqual(asked, ['server.test', 'me.test']);
      await s.close();
    } finally {
      await srv.close();
    }
  });

  test('a port range moves past a taken port to the next one', async () => {
    const srv = await echoPeer();
    const { port, taken } = await takenThenFree();
    try {
      const s = await Socket.connect({ host: '127.0.0.1', port: srv.port, local: { port, portRange: 2 }, timeout: 5000 });
      assert.equal('port' in s.localAddress && s.localAddress.port, port + 1);
      assert.equal((await s.recv()).toString(), `127.0.0.1 ${port + 1}`);
      await s.close();
      await assert.rejects(connectTcp({ host: '127.0.0.1', port: srv.port, local: { port }, timeout: 5000 }), (e) => isBind(e) && /EADDRINUSE/.test((e as Error).message));
    } finally {
      await new Promise((r) => taken.close(r));
      await srv.close();
    }
  });

  test('what cannot be bound is a ConnectError of phase bind', async () => {
    const srv = await echoPeer();
    const none = async () => {
      throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    };
    try {
      await assert.rejects(connectTcp({ host: '127.0.0.1', port: srv.port, local: { interface: 'if!dialnosuch0' } }), (e) => isBind(e) && /interface 'dialnosuch0'/.test((e as Error).message));
      await assert.rejects(connectTcp({ host: '127.0.0.1', port: srv.port, lookup: none, local: { interface: 'nosuch.invalid' } }), (e) => isBind(e) && /nosuch\.invalid/.test((e as Error).message));
      // TEST-NET-3: an address no test machine owns.
      await assert.rejects(connectTcp({ host: '127.0.0.1', port: srv.port, local: { interface: '203.0.113.77' }, timeout: 5000 }), (e) => isBind(e) && /EADDRNOTAVAIL/.test((e as Error).message));
    } finally {
      await srv.close();
    }
  });

  test('ports out of range are refused before any connect', async () => {
    for (const local of [{ port: 70000 }, { port: 1.5 }, { port: 65535, portRange: 2 }, { port: 4000, portRange: 0 }]) {
      await assert.rejects(connectTcp({ host: '127.0.0.1', port: 1, local }), InputError, JSON.stringify(local));
    }
  });

  test('localPorts and localEndKey', () => {
    assert.deepEqual(localPorts(undefined), [undefined]);
    assert.deepEqual(localPorts({ port: 0, portRange: 5 }), [undefined]);
    assert.deepEqual(localPorts({ port: 4000, portRange: 3 }), [4000, 4001, 4002]);
    assert.notEqual(localEndKey({ port: 4000 }), localEndKey({ port: 4001 }));
    assert.notEqual(localEndKey({ interface: 'lo' }), localEndKey(undefined));
    assert.equal(localEndKey(undefined), '');
  });

  test('HTTP pools keep connections bound differently apart', () => {
    const origin = { protocol: 'http:', hostname: 'h.test', port: 80 } as const;
    const keys = [undefined, { interface: 'lo' }, { interface: 'lo', port: 4000 }, { port: 4000, portRange: 2 }].map((local) => poolKey(origin, { local }));
    assert.equal(new Set(keys).size, keys.length, keys.join(' / '));
    assert.equal(poolKey(origin, { local: { interface: 'lo' } }), poolKey(origin, { local: { interface: 'lo' } }));
  });
});
