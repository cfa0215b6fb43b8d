// Shared helpers for the HTTP core tests: run a parser over wire bytes, however split, and
// reduce its events to plain data that compares with deepEqual.
import { ResponseParser, type HttpLimits, type ResponseEvent, type ResponseOptions } from '../../../../src/protocols/http/core/response-parser.js';

/** An event as plain data: headers as their raw list, body bytes as latin1 text. */
export type Ev =
  | { type: 'informational'; status: number; reason: string; headers: string[] }
  | {
      type: 'head';
      status: number;
      reason: string;
      version: string;
      headers: string[];
      bodyKind: string;
      contentLength: number | undefined;
      transferCodings: string[];
      keepAlive: boolean;
    }
  | { type: 'data'; text: string }
  | { type: 'end'; trailers: string[] | undefined; keepAlive: boolean }
  | { type: 'upgrade'; rest: string };

/** Converts parser events to {@link Ev}s, merging adjacent data events (their count depends on how bytes arrive). */
export function plain(events: ResponseEvent[]): Ev[] {
  const out: Ev[] = [];
  for (const e of events) {
    switch (e.type) {
      case 'informational':
        out.push({ type: e.type, status: e.status, reason: e.reason, headers: [...e.headers.raw] });
        break;
      case 'head':
        out.push({
          type: 'head',
          status: e.status,
          reason: e.reason,
          version: e.version,
          headers: [...e.headers.raw],
          bodyKind: e.bodyKind,
          contentLength: e.contentLength,
          transferCodings: e.transferCodings,
          keepAlive: e.keepAlive,
        });
        break;
      case 'data': {
        if (e.bytes.length === 0) break;
        const last = out[out.length - 1];
        if (last?.type === 'data') last.text += e.bytes.toString('latin1');
        else out.push({ type: 'data', text: e.bytes.toString('latin1') });
        break;
      }
      case 'end':
        out.push({ type: 'end', trailers: e.trailers ? [...e.trailers.raw] : undefined, keepAlive: e.keepAlive });
        break;
      case 'upgrade': {
        out.push({ type: 'upgrade', rest: e.rest.toString('latin1') });
        break;
      }
    }
  }
  return out;
}

/** What a run produced: the events before any error, and the error's class name and code. */
export interface Outcome {
  events: Ev[];
  error?: string;
  code?: string;
}

/** Feeds `wire` in pieces cut at `cuts` (sorted offsets), then EOF if asked, collecting events until an error. */
export function run(
  wire: string | Buffer,
  opts: { methods?: string[]; cuts?: number[]; eof?: boolean; limits?: Partial<HttpLimits>; parser?: ResponseParser } = {},
): Outcome {
  const buf = typeof wire === 'string' ? Buffer.from(wire, 'latin1') : wire;
  const p = opts.parser ?? new ResponseParser(opts.limits);
  for (const m of opts.methods ?? ['GET']) p.expect(m);
  const raw: ResponseEvent[] = [];
  let at = 0;
  try {
    for (const c of [...(opts.cuts ?? []), buf.length]) {
      if (c < at) continue;
      if (p.state === 'upgraded') {
        // The bytes are no longer HTTP: they belong to the rest the upgrade handed over.
        const up = raw.findLast((e) => e.type === 'upgrade');
        if (up?.type === 'upgrade') up.rest = Buffer.concat([up.rest, buf.subarray(at, c)]);
      } else raw.push(...p.feed(buf.subarray(at, c)));
      at = c;
    }
    if (opts.eof) raw.push(...p.eof());
  } catch (err) {
    const e = err as Error & { code?: string };
    return { events: plain(raw), error: e.constructor.name, code: e.code };
  }
  return { events: plain(raw) };
}

/** Every single-byte split of `wire`. */
export function bytewise(wire: string): number[] {
  return Array.from({ length: wire.length }, (_, i) => i);
}

/** A head event with the usual defaults. */
export function head(status: number, headers: string[], extra: Partial<Extract<Ev, { type: 'head' }>> = {}): Ev {
  return {
    type: 'head',
    status,
    reason: extra.reason ?? 'OK',
    version: '1.1',
    headers,
    bodyKind: 'length',
    contentLength: undefined,
    transferCodings: [],
    keepAlive: true,
    ...extra,
  };
}

export const data = (text: string): Ev => ({ type: 'data', text });
export const end = (keepAlive = true, trailers?: string[]): Ev => ({ type: 'end', trailers, keepAlive });

/** Feeds `pieces` then the close to a parser expecting one GET (or `method`) with `options`. */
export function parseWithOptions(pieces: string[], options?: ResponseOptions, method = 'GET'): ResponseEvent[] {
  const p = new ResponseParser();
  p.expect(method, options);
  const out: ResponseEvent[] = [];
  for (const piece of pieces) out.push(...p.feed(Buffer.from(piece, 'latin1')));
  out.push(...p.eof());
  return out;
}
