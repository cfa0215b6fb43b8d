#!/usr/bin/env node
// @ts-check
/**
 * A UDP echo server: each datagram goes back to its sender unchanged, one
 * datagram per datagram (UDP keeps message boundaries).
 *
 *   node examples/udp-echo-server.mjs [port]      (default: a free port)
 *
 * The first line on stdout is `listening on <address>:<port>`. SIGINT or
 * SIGTERM stops it cleanly (exit status 0).
 */
import { DatagramSocket, DialError } from 'dialtone';

const port = Number(process.argv[2] ?? 0);
const sock = await DatagramSocket.bind({ host: '127.0.0.1', port });

// Closing the socket releases the pending recvFrom with DIAL_E_CLOSED, which ends the loop.
// The handlers go in before the "listening" line, so a signal sent on reading it is caught.
const stop = () => void sock.close();
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
console.log(`listening on ${sock.address.address}:${sock.address.port}`);

for (;;) {
  let d;
  try {
    d = await sock.recvFrom(); // no timeout: a server waits for clients as long as it runs
  } catch (err) {
    if (err instanceof DialError && err.code === 'DIAL_E_CLOSED') break;
    // An ICMP error for an earlier reply (its sender went away) must not stop the server.
    process.stderr.write(`udp-echo-server: ${err instanceof Error ? err.message : String(err)}\n`);
    continue;
  }
  try {
    await sock.sendTo(d.data, d.port, d.address, { timeout: 5000 });
  } catch (err) {
    if (err instanceof DialError && err.code === 'DIAL_E_CLOSED') break;
    process.stderr.write(`udp-echo-server: reply to ${d.address}:${d.port}: ${err instanceof Error ? err.message : String(err)}\n`);
  }
}
