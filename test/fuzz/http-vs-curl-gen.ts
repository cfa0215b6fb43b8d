/**
 * Generated HTTP/1.x responses for the differential test against curl
 * (http-vs-curl.test.ts): valid but unusual responses per RFC 9112/9110,
 * each with the answer any correct client must give — so a case checks both
 * clients against the model as well as against each other.
 */
import fc from 'fast-check';
import { brotliCompressSync, constants, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { knownBytes } from '../interop/fixtures.js';

/** One generated response and what a client must make of it. */
export interface WireCase {
  /** The bytes the server writes, interim heads through the end of the body. */
  wire: Buffer;
  /** Where the server cuts `wire` into separate writes (ascending offsets). */
  cuts: number[];
  /** Milliseconds to wait between the writes (0–3 each, bounded by the cut count). */
  delays: number[];
  /** Whether the server closes after writing (otherwise it waits for another request). */
  close: boolean;
  method: 'GET' | 'HEAD';
  /** Ask for decoding (curl --compressed, request({ decompress: true })). */
  compressed: boolean;
  /** The final status. */
  status: number;
  /** The body a correct client hands out. */
  body: Buffer;
  /** The final head's fields as a client must read them (obs-fold unfolded, OWS trimmed). */
  fields: Array<[string, string]>;
  /** Trailer field lines sent after a chunked body, as written (empty when none). */
  trailers: string[];
  /** A one-line summary for failure messages. */
  label: string;
}

/** What makes the output of `-i` differ between two correct clients: kept out of the CLI subset's cases. */
export interface Shape {
  /** Use bare LF line ends in heads (RFC 9112 §2.2 lets a recipient accept them). */
  bareLf: boolean;
  /** Allow obs-fold continuation lines, trailing whitespace, no space after the colon, an empty reason after a space. */
  oddSpacing: boolean;
  /** Allow trailer fields after a chunked body. */
  trailers: boolean;
}

export const FULL_SHAPE: Shape = { bareLf: true, oddSpacing: true, trailers: true };

type Coding = 'gzip' | 'x-gzip' | 'GZIP' | 'deflate' | 'deflate-raw' | 'br' | 'identity';

function encode(body: Buffer, coding: Coding): Buffer {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
    case 'GZIP':
      return gzipSync(body);
    case 'deflate':
      return deflateSync(body);
    case 'deflate-raw':
      // RFC 9110 §8.4.1.2 says zlib-wrapped, but raw deflate is what some servers send; both clients accept it.
      return deflateRawSync(body);
    case 'br':
      // A low quality: the default (11) spends ~0.5 s on a large body, and any valid stream will do.
      return brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } });
    case 'identity':
      return body;
  }
}

const codingName = (c: Coding): string => (c === 'deflate-raw' ? 'deflate' : c);

/** Bytes that do not compress, made from a seed (fast-check's own arrays are slow at this size): the interop suite's xorshift. */
function noise(n: number, seed: number): Buffer {
  return knownBytes(n, seed | 1);
}

/** A content body: random bytes or compressible text up to ~3 KB, now and then one of up to 200 KB (many socket reads). */
const contentArb = fc.oneof(
  { arbitrary: fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a)), weight: 4 },
  { arbitrary: fc.tuple(fc.constantFrom('hello ', 'dialtone\n', 'a', '{"k":[1,2]}', '\u00e9t\u00e9 '), fc.nat(400)).map(([s, n]) => Buffer.from(s.repeat(n))), weight: 4 },
  { arbitrary: fc.tuple(fc.integer({ min: 16_000, max: 200_000 }), fc.nat()).map(([n, seed]) => noise(n, seed)), weight: 1 },
);

/** A header field name: usual, odd-but-valid tchars, or mixed case. */
const nameArb = fc.constantFrom('X-Test', 'x-lower', 'X-UPPER', "X-!#$%&'*+-.^_`|~", 'Link', 'Set-Cookie', 'Cache-Control', 'Vary', 'X-Empty');
/** A field value of visible ASCII and obs-text, with inner spaces, no leading/trailing whitespace. */
const valueArb = fc.oneof(
  fc.constantFrom('', 'v', 'a, b', 'a  b', '</s.css>; rel=preload', 'caf\u00e9', 'no-cache', '"quoted, value"', 'x=1; Path=/'),
  fc.stringMatching(/^[!-~][ !-~]{0,20}[!-~]$/),
);

interface Field {
  name: string;
  value: string;
  /** Extra pieces written as obs-fold continuation lines. */
  folds: string[];
  /** Whitespace before and after the value. */
  lead: string;
  trail: string;
}

function fieldArb(shape: Shape): fc.Arbitrary<Field> {
  const ws = (on: boolean) => (on ? fc.constantFrom('', ' ', '  ', '\t', ' \t') : fc.constant(' '));
  return fc.record({
    name: nameArb,
    value: valueArb,
    folds: shape.oddSpacing ? fc.array(fc.stringMatching(/^[!-~]{1,8}$/), { maxLength: 2 }) : fc.constant([]),
    lead: ws(shape.oddSpacing),
    trail: shape.oddSpacing ? fc.constantFrom('', '', ' ', '\t ') : fc.constant(''),
  });
}

/** How a field line is written, and how a client must read it. */
function writeField(f: Field, eol: string): { text: string; read: [string, string] } {
  let text = `${f.name}:${f.lead}${f.value}${f.trail}`;
  for (const piece of f.folds) text += `${eol} ${piece}`;
  // obs-fold is replaced by SP (RFC 9112 §5.2); the value is trimmed of OWS (RFC 9110 §5.5).
  const read = [f.value, ...f.folds].filter((s) => s !== '').join(' ');
  return { text: text + eol, read: [f.name, read] };
}

/** A chunk-size line's hex: lower or upper case, with leading zeros (at most 8 digits in all). */
function hex(n: number, upper: boolean, zeros: number): string {
  const h = n.toString(16);
  return '0'.repeat(Math.max(0, Math.min(zeros, 8 - h.length))) + (upper ? h.toUpperCase() : h);
}

const extArb = fc.constantFrom('', '', ';a', ';a=b', ' ; name="q v"', ';x=1;y', '\t;t=\t2');

/**
 * Arbitrary responses of the given shape. `final` picks the final status
 * class; HEAD and 204/304 carry no body whatever their headers claim.
 */
export function caseArb(shape: Shape = FULL_SHAPE): fc.Arbitrary<WireCase> {
  return fc
    .record({
      version: fc.constantFrom('1.1', '1.1', '1.0'),
      status: fc.constantFrom(200, 200, 200, 201, 203, 299, 404, 500, 204, 304),
      reason: fc.constantFrom('OK', 'Fine Thing', 'caf\u00e9', 'none', 'empty'),
      interim: fc.array(fc.record({ status: fc.constantFrom(100, 102, 103), links: fc.array(fc.constantFrom('</a.css>; rel=preload', '</b.js>; rel=preload; as=script'), { maxLength: 2 }) }), { maxLength: 2 }),
      fields: fc.array(fieldArb(shape), { maxLength: 5 }),
      duplicate: fc.boolean(),
      framing: fc.constantFrom('length', 'length', 'chunked', 'chunked', 'close'),
      keepAlive10: fc.boolean(),
      close11: fc.boolean(),
      keepWord: fc.constantFrom('keep-alive', 'Keep-Alive', 'KEEP-ALIVE'),
      closeWord: fc.constantFrom('close', 'Close', 'te, close'),
      clStyle: fc.constantFrom('plain', 'plain', 'zeros', 'list', 'twice'),
      teCoding: fc.constantFrom(undefined, undefined, undefined, 'gzip', 'deflate'),
      head: fc.boolean(),
      content: contentArb,
      codings: fc.array(fc.constantFrom<Coding>('gzip', 'x-gzip', 'GZIP', 'deflate', 'deflate-raw', 'br', 'identity'), { maxLength: 3 }),
      splitCodings: fc.boolean(),
      compressed: fc.boolean(),
      claim: fc.constantFrom('none', 'length', 'chunked'),
      chunks: fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 6 }),
      upper: fc.boolean(),
      zeros: fc.nat(4),
      exts: fc.array(extArb, { minLength: 8, maxLength: 8 }),
      trailers: shape.trailers ? fc.array(fc.constantFrom('X-Sum: 1', 'Server-Timing: db;dur=5', 'X-Empty:', 'X-Fold: a'), { maxLength: 2 }) : fc.constant<string[]>([]),
      bareLf: shape.bareLf ? fc.boolean() : fc.constant(false),
      cuts: fc.array(fc.nat(), { maxLength: 5 }),
      delays: fc.array(fc.nat(3), { maxLength: 5 }),
    })
    .map((g) => {
      const eol = g.bareLf ? '\n' : '\r\n';
      const head = g.head;
      const noBody = head || g.status === 204 || g.status === 304;
      let wire = '';
      for (const i of g.interim) wire += `HTTP/1.1 ${i.status} ${i.status === 103 ? 'Early Hints' : 'Interim'}${eol}${i.links.map((l) => `Link: ${l}${eol}`).join('')}${eol}`;
      const reason = g.reason === 'none' ? '' : g.reason === 'empty' ? (shape.oddSpacing ? ' ' : '') : ` ${g.reason}`;
      wire += `HTTP/${g.version} ${g.status}${reason}${eol}`;
      const fields: Array<[string, string]> = [];
      const put = (name: string, value: string) => {
        wire += `${name}: ${value}${eol}`;
        fields.push([name, value]);
      };
      for (const f of g.fields) {
        const w = writeField(f, eol);
        wire += w.text;
        fields.push(w.read);
        if (g.duplicate) {
          wire += w.text;
          fields.push(w.read);
        }
      }
      // What is on the wire after the head: the content, coded.
      let coded: Buffer = g.content;
      for (const c of g.codings) coded = encode(coded, c);
      if (g.codings.length > 0) {
        const names = g.codings.map(codingName);
        if (g.splitCodings && names.length > 1) for (const n of names) put('Content-Encoding', n);
        else put('Content-Encoding', names.join(', '));
      }
      // A read-until-close body needs the server to close; 1.0 keep-alive needs a length.
      // A 1.0 message with Transfer-Encoding has faulty framing (RFC 9112 §6.1): 1.0 uses the other two.
      let framing = g.framing as 'length' | 'chunked' | 'close';
      if (g.version === '1.0' && framing === 'chunked') framing = g.keepAlive10 ? 'length' : 'close';
      if (g.version === '1.0' && g.keepAlive10 && framing === 'close') framing = 'length';
      if (g.version === '1.0' && g.keepAlive10) put('Connection', g.keepWord);
      const close11 = g.version === '1.1' && g.close11;
      if (close11) put('Connection', g.closeWord);
      // Content-Length as 1*DIGIT with leading zeros, as a list of one same value, or twice (RFC 9110 §8.6, RFC 9112 §6.3).
      const putLength = (n: number) => {
        if (g.clStyle === 'zeros') put('Content-Length', `00${n}`);
        else if (g.clStyle === 'list') put('Content-Length', `${n}, ${n}`);
        else {
          put('Content-Length', String(n));
          if (g.clStyle === 'twice') put('Content-Length', String(n));
        }
      };
      let bodyBytes: Buffer = Buffer.alloc(0);
      let trailers: string[] = [];
      if (noBody) {
        // Headers may still claim a body (RFC 9110 §9.3.2, §15.3.5, §15.4.5); none follows.
        if (g.claim === 'length' || (head && framing === 'length')) putLength(coded.length);
        else if (g.claim === 'chunked' && g.version === '1.1') put('Transfer-Encoding', 'chunked');
      } else if (framing === 'length') {
        putLength(coded.length);
        bodyBytes = coded;
      } else if (framing === 'chunked') {
        // A transfer coding under chunked (RFC 9112 §7): both clients undo it, asked or not.
        const coded2 = g.teCoding ? encode(coded, g.teCoding as Coding) : coded;
        put('Transfer-Encoding', g.teCoding ? `${g.teCoding}, chunked` : 'chunked');
        const parts: string[] = [];
        let at = 0;
        let k = 0;
        for (const n of g.chunks) {
          if (at >= coded2.length) break;
          const piece = coded2.subarray(at, at + n);
          at += piece.length;
          parts.push(`${hex(piece.length, g.upper, g.zeros)}${g.exts[k++ % 8]}\r\n${piece.toString('latin1')}\r\n`);
        }
        if (at < coded2.length) parts.push(`${hex(coded2.length - at, g.upper, g.zeros)}\r\n${coded2.subarray(at).toString('latin1')}\r\n`);
        trailers = g.trailers;
        parts.push(`${'0'.repeat(1 + Math.min(g.zeros, 3))}${g.exts[7]}\r\n${trailers.map((t) => `${t}\r\n`).join('')}\r\n`);
        bodyBytes = Buffer.from(parts.join(''), 'latin1');
      } else {
        bodyBytes = coded;
      }
      wire += eol;
      const all = Buffer.concat([Buffer.from(wire, 'latin1'), bodyBytes]);
      const cuts = [...new Set(g.cuts.map((c) => c % (all.length + 1)))].sort((a, b) => a - b);
      const close = (framing === 'close' && !noBody) || close11 || (g.version === '1.0' && !g.keepAlive10);
      const decoded = g.compressed || g.codings.length === 0;
      const body = noBody ? Buffer.alloc(0) : decoded ? g.content : coded;
      const label = `${g.head ? 'HEAD' : 'GET'} ${g.version} ${g.status} ${framing}${framing === 'chunked' && g.teCoding && !noBody ? ` te=${g.teCoding}` : ''}${g.codings.length ? ` ce=${g.codings.join('+')}` : ''}${g.compressed ? ' --compressed' : ''} ${g.interim.length} interim, ${fields.length} fields${g.bareLf ? ', LF' : ''}, ${cuts.length} cuts`;
      return { wire: all, cuts, delays: g.delays, close, method: head ? 'HEAD' : 'GET', compressed: g.compressed, status: g.status, body, fields, trailers, label } satisfies WireCase;
    });
}
