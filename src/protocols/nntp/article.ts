/**
 * An article (or its head or body) as it arrives; see {@link DotBody}.
 *
 * @module
 */
import { DotBody, type MessageSource } from '../../line/dot-body.js';
import type { NntpArticleRef } from './core/responses.js';

/** ARTICLE, HEAD or BODY's answer: which article, and its lines streamed as CRLF-ended bytes. */
export class NntpArticle extends DotBody {
  /** The article's number in the current group (0 when asked for by message-id). */
  readonly number: number;
  readonly messageId: string;

  /** @internal Made by {@link NntpClient}. */
  constructor(ref: NntpArticleRef, src: MessageSource) {
    super('nntp', src);
    this.number = ref.number;
    this.messageId = ref.messageId;
  }
}
