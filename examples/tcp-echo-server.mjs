#!/usr/bin/env node
// @ts-check
/**
 * A TCP echo server: every byte a client sends comes straight back, until the
 * client half-closes; then the server closes its side.
 *
 *   node examples/tcp-echo-server.mjs [port]      (default: a free port)
 *
 * The first line on stdout is `listening on <address>:<port>`. SIGINT or
 * SIGTERM stops it cleanly (exit status 0).
 */
import { listen } from 'dialtone';

const IDLE = 30_000; // ms a client may stay silent before it is dropped

/** @typedef {import('dialtone').Socket} Socket */

/**
 * Echoes one connection until end of stream.
 * @param {Socket} conn
 */
async function echo(conn) {
  try {
    for (;;) {
      const chunk = await conn.recv(65536, { timeout: IDLE });
      if (chunk.length === 0) break;
      await conn.send(chunk, { timeout: IDLE });
    }
  } catch (err) {
    // One client's reset or timeout is that client's problem, not the server's.
    if (!stopping) process.stderr.write(`tcp-echo-server: ${err instanceof Error ? err.message : String(err)}\n`);
  } finally {
    await conn.close();
  }
}

const port = Number(process.argv[2] ?? 0);
const server = await listen({ host: '127.0.0.1', port });

/** @type {Set<Socket>} */
const open = new Set();
let stopping = false;
const stop = async () => {
  stopping = true;
  await server.close(); // ends the accept loop below
  for (const conn of open) conn.destroy();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
// Only now, with the handlers in place, announce the address: a signal sent on reading it is caught.
const addr = server.address;
console.log(`listening on ${'path' in addr ? addr.path : `${addr.address}:${addr.port}`}`);

for await (const conn of server) {
  open.add(conn);
  void echo(conn).finally(() => open.delete(conn));
}
