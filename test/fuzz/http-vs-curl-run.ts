/**
 * The two sides of the differential test (http-vs-curl.test.ts): a raw TCP
 * server on loopback that writes each case's bytes as told (in pieces, with
 * small delays, then closing or waiting for the next request), and the
 * clients that fetch them — the library's `request()`, curl, and dial.
 */
import * as net from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent } from '../../src/protocols/http/agent.js';
import { request } from '../../src/protocols/http/client.js';
import { DialError } from '../../src/errors.js';
import { closeAfterFile } from '../helpers/close-after-file.js';
import { curl, dial, tempDir, type RunResult } from '../cli/helpers.js';
import type { WireCase } from './http-vs-curl-gen.js';

/** What a keep-alive connection answers to `/sentinel`: proof the previous response ended where it should. */
export const SENTINEL = 'HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nsentinel';

/** A server whose `/c/<id>` answers with case `id`'s bytes. */
export interface CaseServer {
  /** Registers a case; returns its URL. */
  add(c: WireCase): string;
  base: string;
  close(): Promise<void>;
}

const pause = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function answer(s: net.Socket, c: WireCase): Promise<void> {
  let at = 0;
  for (let i = 0; i < c.cuts.length; i++) {
    s.write(c.wire.subarray(at, c.cuts[i]));
    at = c.cuts[i]!;
    const ms = c.delays[i] ?? 0;
    if (ms > 0) await pause(ms);
  }
  s.write(c.wire.subarray(at));
  if (c.close) s.end();
}

/** Starts the case server on 127.0.0.1. */
export async function startCaseServer(): Promise<CaseServer> {
  const cases = new Map<string, WireCase>();
  const sockets = new Set<net.Socket>();
  let next = 0;
  const srv = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    s.on('end', () => s.end());
    let buf = Buffer.alloc(0);
    // Requests are handled one at a time in arrival order; GET and HEAD have no body to skip.
    let chain = Promise.resolve();
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (let end = buf.indexOf('\r\n\r\n'); end !== -1; end = buf.indexOf('\r\n\r\n')) {
        const line = buf.subarray(0, buf.indexOf('\r\n')).toString('latin1');
        buf = buf.subarray(end + 4);
        const target = line.split(' ')[1] ?? '';
        const c = cases.get(target.replace(/^\/c\//, ''));
        chain = chain.then(() => (target === '/sentinel' ? void s.write(SENTINEL) : c ? answer(s, c) : void s.destroy()));
      }
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(srv.address() as net.AddressInfo).port}`;
  return {
    base,
    add(c) {
      const id = String(next++);
      cases.set(id, c);
      return `${base}/c/${id}`;
    },
    close: closeAfterFile(
      () =>
        new Promise<void>((r) => {
          for (const s of sockets) s.destroy();
          srv.close(() => r());
        }),
    ),
  };
}

/** The library's reading of a response. */
export interface LibOutcome {
  status?: number;
  fields?: Array<[string, string]>;
  body?: Buffer;
  /** The DialError's code when the request failed. */
  error?: string;
  /** After a response on a kept-open connection: what a second request on the same agent got. */
  sentinel?: string;
}

/** Fetches `url` with `request()` on a fresh agent; on a kept-open connection, asks once more to check the framing left it in step. */
export async function viaLibrary(url: string, base: string, c: WireCase): Promise<LibOutcome> {
  const agent = new Agent();
  try {
    const res = await request(url, { method: c.method, decompress: c.compressed, agent, timeout: 8000 });
    const body = Buffer.from(await res.bytes());
    const flat = res.headers.raw;
    const fields: Array<[string, string]> = [];
    for (let i = 0; i + 1 < flat.length; i += 2) fields.push([flat[i]!, flat[i + 1]!]);
    const out: LibOutcome = { status: res.status, fields, body };
    if (!c.close) out.sentinel = await (await request(`${base}/sentinel`, { agent, timeout: 8000 })).text();
    return out;
  } catch (e) {
    if (!(e instanceof DialError)) throw e;
    return { error: e.code };
  } finally {
    agent.destroy();
  }
}

/** curl's reading: exit code, the final status, the final head's fields as it saw them, the body file. */
export interface CurlOutcome {
  code: number | null;
  status: number;
  /** Every head block in the -D file (interim ones first), as raw text. */
  heads: string[];
  body: Buffer;
}

/** Fetches `url` with `curl -s -D head -o body -w %{http_code}` (and -I / --compressed as the case says). */
export async function viaCurl(url: string, c: WireCase): Promise<CurlOutcome> {
  const dir = tempDir();
  const args = ['-s', '-D', join(dir, 'head'), '-o', join(dir, 'body'), '-w', '%{http_code}', '--max-time', '8'];
  if (c.method === 'HEAD') args.push('-I');
  if (c.compressed) args.push('--compressed');
  const r = await curl([...args, url]);
  const read = (n: string) => (existsSync(join(dir, n)) ? readFileSync(join(dir, n)) : Buffer.alloc(0));
  const headText = read('head').toString('latin1');
  // Blocks end at an empty line; trailers (after a chunked body) follow the final head's block.
  const heads = headText.split(/\r?\n\r?\n/).filter((b) => b.startsWith('HTTP/'));
  // With -I curl writes the head to -o too; a HEAD response has no body of its own.
  return { code: r.code, status: Number(r.out), heads, body: c.method === 'HEAD' ? Buffer.alloc(0) : read('body') };
}

/** A head block's fields read as RFC 9112 says: obs-fold replaced by SP, OWS trimmed. */
export function readFields(block: string): Array<[string, string]> {
  const lines = block.split(/\r?\n/).slice(1);
  const out: Array<[string, string]> = [];
  for (const line of lines) {
    if (line === '') continue;
    if ((line[0] === ' ' || line[0] === '\t') && out.length > 0) {
      const last = out[out.length - 1]!;
      const more = line.trim();
      last[1] = last[1] && more ? `${last[1]} ${more}` : last[1] + more;
      continue;
    }
    const colon = line.indexOf(':');
    out.push([line.slice(0, colon), line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '')]);
  }
  return out;
}

/** `dial -s -i URL` and `curl -s -i URL` with the case's flags and `extra`. */
export async function bothIncluded(url: string, c: WireCase, extra: readonly string[] = []): Promise<{ dial: RunResult; curl: RunResult }> {
  const args = ['-s', '-i', '--max-time', '8', ...extra];
  if (c.method === 'HEAD') args.push('-I');
  if (c.compressed) args.push('--compressed');
  const [d, k] = await Promise.all([dial([...args, url]), curl([...args, url])]);
  return { dial: d, curl: k };
}
