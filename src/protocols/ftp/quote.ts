/**
 * Quote commands: raw commands a caller sends around a transfer, as curl's
 * `-Q` (CURLOPT_QUOTE, PREQUOTE, POSTQUOTE) sends them. A command that
 * starts with `*` may fail (the `*` is not sent); any other that gets a
 * 4xx/5xx reply stops the list with a ReplyError in phase 'quote' (curl's
 * CURLE_QUOTE_ERROR, exit 21).
 *
 * @module
 */
import { InputError, ReplyError } from '../../errors.js';
import type { Expect, Reply } from '../../line/replies.js';
import { checkArg } from './core/path.js';

/** What the quote runner needs of a session: {@link FtpClient.send}. */
export interface QuoteTarget {
  send(command: string, expect?: Expect): Promise<Reply>;
}

/** One command of a quote list: the line sent, and whether a refusal is ignored (curl's `*` prefix). */
export interface QuoteCommand {
  line: string;
  mayFail: boolean;
}

/**
 * Reads a quote list: a leading `*` marks a command whose failure is
 * ignored. Every line is checked before any is sent: CR, LF or NUL (which
 * would smuggle in a second command) or an empty command is an InputError.
 */
export function parseQuotes(commands: readonly string[]): QuoteCommand[] {
  return commands.map((c) => {
    const mayFail = c.startsWith('*');
    const line = checkArg(mayFail ? c.slice(1) : c, 'quote command');
    if (line.trim() === '') throw new InputError('a quote command is empty', { protocol: 'ftp', phase: 'quote' });
    return { line, mayFail };
  });
}

/**
 * Sends each command in order and reads its reply; resolves with the replies
 * (a refused `*` command's included). A command without `*` answered 4xx or
 * 5xx rejects with a ReplyError in phase 'quote', and no later one is sent.
 * A 421 (the server is closing) ends the list even after `*`: no session is
 * left to go on with.
 */
export async function sendQuotes(client: QuoteTarget, commands: readonly QuoteCommand[]): Promise<Reply[]> {
  const replies: Reply[] = [];
  for (const { line, mayFail } of commands) {
    // A 421 stays a ReplyError from send(), which also marks the session over.
    const r = await client.send(line, (code) => code !== 421);
    if (r.code >= 400 && !mayFail) {
      throw new ReplyError(`quote command "${line}" failed: ${r.code} ${r.lines[0] ?? ''}`.trimEnd(), { reply: { code: r.code, text: r.text }, protocol: 'ftp', phase: 'quote' });
    }
    replies.push(r);
  }
  return replies;
}
