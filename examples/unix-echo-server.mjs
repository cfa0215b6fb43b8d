#!/usr/bin/env node
// @ts-check
/**
 * A Unix-domain stream echo server: the TCP echo server's loop on a socket file.
 *
 *   node examples/unix-echo-server.mjs path
 *
 * The first line on stdout is `listening on <path>`. SIGINT or SIGTERM stops
 * it cleanly (exit status 0) and removes the socket file.
 */
import { lstatSync, unlinkSync } from 'node:fs';
import { listen } from 'dialtone';

const IDLE = 30_000; // ms a client may stay silent before it is dropped

/** @typedef {import('dialtone').Socket} Socket */

const path = process.argv[2];
if (!path) {
  process.stderr.write('usage: unix-echo-server.mjs path\n');
  process.exit(2);
}
// A socket file left by a server that died would make listen() fail with EADDRINUSE.
// Remove it only if it *is* a socket: never delete a regular file by mistake.
try {
  if (lstatSync(path).isSocket()) unlinkSync(path);
} catch {
  /* no such file: nothing to clean */
}

let stopping = false;

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
    if (!stopping) process.stderr.write(`unix-echo-server: ${err instanceof Error ? err.message : String(err)}\n`);
  } finally {
    await conn.close();
  }
}

const server = await listen({ path });

/** @type {Set<Socket>} */
const open = new Set();
const stop = async () => {
  stopping = true;
  await server.close(); // node removes the socket file when a Unix server closes
  for (const conn of open) conn.destroy();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
// Only now, with the handlers in place, announce the path: a signal sent on reading it is caught.
console.log(`listening on ${path}`);

for await (const conn of server) {
  open.add(conn);
  void echo(conn).finally(() => open.delete(conn));
}
