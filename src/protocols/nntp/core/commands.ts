/**
 * The commands this library sends, as data: the status each one succeeds
 * with and whether a dot block follows that status (RFC 3977 §3.4.1). The
 * client reads the block only when the table says so, so a server cannot
 * make it wait for one that never comes, nor leave one unread.
 *
 * @module
 */

/** A command's verb as the table knows it. */
export type NntpVerb =
  | 'CAPABILITIES'
  | 'MODE READER'
  | 'STARTTLS'
  | 'AUTHINFO USER'
  | 'AUTHINFO PASS'
  | 'GROUP'
  | 'ARTICLE'
  | 'HEAD'
  | 'BODY'
  | 'STAT'
  | 'LIST ACTIVE'
  | 'OVER'
  | 'POST'
  | 'DATE'
  | 'QUIT';

/** What a command's success looks like. */
export interface CommandSpec {
  /** Codes that mean success. */
  readonly ok: readonly number[];
  /** The success codes after which a dot block follows. */
  readonly block: readonly number[];
}

export const COMMANDS: { readonly [V in NntpVerb]: CommandSpec } = {
  CAPABILITIES: { ok: [101], block: [101] },
  'MODE READER': { ok: [200, 201], block: [] },
  STARTTLS: { ok: [382], block: [] },
  // 381: a password is needed next; 281: in already (RFC 4643 §2.3).
  'AUTHINFO USER': { ok: [281, 381], block: [] },
  'AUTHINFO PASS': { ok: [281], block: [] },
  GROUP: { ok: [211], block: [] },
  ARTICLE: { ok: [220], block: [220] },
  HEAD: { ok: [221], block: [221] },
  BODY: { ok: [222], block: [222] },
  STAT: { ok: [223], block: [] },
  'LIST ACTIVE': { ok: [215], block: [215] },
  OVER: { ok: [224], block: [224] },
  // 340: send the article; its final status (240) comes after the block we send.
  POST: { ok: [340], block: [] },
  DATE: { ok: [111], block: [] },
  QUIT: { ok: [205], block: [] },
};

/** True when `code` is a success for `verb`. */
export function succeeded(verb: NntpVerb, code: number): boolean {
  return COMMANDS[verb].ok.includes(code);
}

/** True when a dot block follows `code` as the answer to `verb`. */
export function hasBlock(verb: NntpVerb, code: number): boolean {
  return COMMANDS[verb].block.includes(code);
}
