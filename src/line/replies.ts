/**
 * Sans-IO numbered replies (SMTP, FTP, NNTP…): lines in, replies out, in the
 * manner of Go's textproto `ReadResponse`.
 *
 * @module
 */
import { LimitError, ProtocolError, ReplyError } from '../errors.js';
import { positiveInt } from './reader.js';

/** A server's complete reply. */
export interface Reply {
  /** The three-digit code, 100–599. */
  code: number;
  /**
   * One entry per line, with the `250-` / `250 ` prefix removed where a line
   * carries the reply's own code; other lines of an RFC 959 multi-line reply
   * are kept whole.
   */
  lines: string[];
  /** `lines` joined with `\n`. */
  text: string;
}

/**
 * What a reply must be for the caller to go on, as Go's `expectCode`: a
 * number 1–9 matches the first digit (2 ⇒ 2xx), 10–99 the first two (25 ⇒
 * 25x), 100–999 the whole code, 0 anything; an array matches any of its
 * members; a function decides itself.
 */
export type Expect = number | readonly number[] | ((code: number) => boolean);

/** The parts of a line that starts with a reply code. */
export interface CodeLine {
  code: number;
  /** True for `ddd-` (more lines follow), false for `ddd ` or a bare `ddd`. */
  more: boolean;
  /** The text after the separator. */
  text: string;
}

/**
 * Parses `ddd text`, `ddd-text` or a bare `ddd` (RFC 5321 allows a reply line
 * with no text). Returns `undefined` for anything else, including codes
 * outside 100–599 and a fourth digit (`2500 x`).
 */
export function parseCodeLine(line: string): CodeLine | undefined {
  if (line.length < 3) return undefined;
  const d0 = line.charCodeAt(0) - 48;
  const d1 = line.charCodeAt(1) - 48;
  const d2 = line.charCodeAt(2) - 48;
  if (d0 < 1 || d0 > 5 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return undefined;
  const code = d0 * 100 + d1 * 10 + d2;
  if (line.length === 3) return { code, more: false, text: '' };
  const sep = line[3];
  if (sep !== ' ' && sep !== '-') return undefined;
  return { code, more: sep === '-', text: line.slice(4) };
}

/** True when `code` satisfies `expect` (see {@link Expect}). */
export function matchesExpect(code: number, expect: Expect): boolean {
  if (typeof expect === 'function') return expect(code);
  if (typeof expect !== 'number') return expect.some((e) => matchesExpect(code, e));
  if (expect === 0) return true;
  if (expect < 10) return Math.floor(code / 100) === expect;
  if (expect < 100) return Math.floor(code / 10) === expect;
  return code === expect;
}

/**
 * Throws a ReplyError (carrying `{code, text}`) when `reply` does not satisfy
 * `expect`; returns the reply otherwise.
 */
export function checkReply(reply: Reply, expect: Expect | undefined, protocol?: string): Reply {
  if (expect === undefined || matchesExpect(reply.code, expect)) return reply;
  const first = reply.lines[0] ?? '';
  throw new ReplyError(`the server replied ${reply.code} ${first}`.trimEnd(), {
    reply: { code: reply.code, text: reply.text },
    protocol,
    phase: 'reply',
  });
}

/** Options for {@link ReplyAssembler}. */
export interface ReplyAssemblerOptions {
  /** Most lines one reply may have; more is a LimitError. Default 1000. */
  maxLines?: number | undefined;
  /** Names the protocol in errors. */
  protocol?: string | undefined;
  /**
   * RFC 5321 §4.2.1: every line of a multi-line reply carries the reply's
   * code. With this set, a middle line that starts with another valid code
   * is a ProtocolError. Without it (RFC 959 style) such a line is kept as
   * text, and a server whose reply ends on another code is waited on until
   * the timeout. Default false.
   */
  sameCode?: boolean | undefined;
}

/**
 * Builds replies from lines. Push each line; a complete {@link Reply} comes
 * back from the push that ends it, `undefined` before. A multi-line reply
 * ends at the first line with the same code and a space (or no text), as RFC
 * 959 §4.2 asks; lines between may carry anything, other codes included.
 * Partial progress survives between pushes, so an interrupted read resumes.
 */
export class ReplyAssembler {
  readonly maxLines: number;
  private readonly protocol: string | undefined;
  private readonly sameCode: boolean;
  private code = 0;
  private lines: string[] = [];

  constructor(options: ReplyAssemblerOptions = {}) {
    this.maxLines = positiveInt(options.maxLines ?? 1000, 'maxReplyLines');
    this.protocol = options.protocol;
    this.sameCode = options.sameCode ?? false;
  }

  /** True between the first line of a multi-line reply and its last. */
  get inProgress(): boolean {
    return this.code !== 0;
  }

  /**
   * Takes the next line. Throws ProtocolError when a reply's first line does
   * not start with a valid code (or, with `sameCode`, a later line starts
   * with another one), LimitError past `maxLines`.
   */
  push(line: string): Reply | undefined {
    const parsed = parseCodeLine(line);
    if (this.code === 0) {
      if (!parsed) {
        throw new ProtocolError(`malformed reply line ${JSON.stringify(line.slice(0, 80))}`, {
          protocol: this.protocol,
          phase: 'reply',
        });
      }
      if (!parsed.more) return { code: parsed.code, lines: [parsed.text], text: parsed.text };
      this.code = parsed.code;
      this.lines = [parsed.text];
      return undefined;
    }
    if (this.lines.length >= this.maxLines) {
      this.reset();
      throw new LimitError(`a reply exceeded ${this.maxLines} lines`, {
        limit: this.maxLines,
        protocol: this.protocol,
        phase: 'reply',
      });
    }
    const own = parsed !== undefined && parsed.code === this.code;
    if (parsed && !own && this.sameCode) {
      const first = this.code;
      this.reset();
      throw new ProtocolError(`a ${first} reply continued with a ${parsed.code} line: ${JSON.stringify(line.slice(0, 80))}`, {
        protocol: this.protocol,
        phase: 'reply',
      });
    }
    this.lines.push(own ? parsed.text : line);
    if (!own || parsed.more) return undefined;
    const reply = { code: this.code, lines: this.lines, text: this.lines.join('\n') };
    this.reset();
    return reply;
  }

  /** Forgets a reply in progress. */
  reset(): void {
    this.code = 0;
    this.lines = [];
  }
}

/**
 * Parses a whole reply from its lines in one call, throwing ProtocolError when
 * the lines end before the reply does or continue after it.
 */
export function parseReply(lines: readonly string[], options?: ReplyAssemblerOptions): Reply {
  const a = new ReplyAssembler(options);
  for (let i = 0; i < lines.length; i++) {
    const r = a.push(lines[i]!);
    if (r) {
      if (i !== lines.length - 1) throw new ProtocolError('lines follow the end of the reply', { phase: 'reply' });
      return r;
    }
  }
  throw new ProtocolError('the lines ended before the reply did', { phase: 'reply' });
}
