/**
 * The line layer: buffered, bounded reading and writing for chat-style
 * protocols (SMTP, FTP, POP3, NNTP…). The sans-IO parts — {@link LineSplitter},
 * {@link ReplyAssembler}, {@link DotStuffer}, {@link DotUnstuffer} and the line
 * validators — are for protocol cores; {@link LineClient} drives them over a
 * ByteStream for protocol clients.
 *
 * @module
 */
export { LineClient } from './client.js';
export type {
  DotBlockSource,
  LineClientOptions,
  ReadAllOptions,
  ReadLineOptions,
  ReadDotBlockOptions,
  ReadReplyOptions,
  TLSUpgradable,
} from './client.js';
export { LineSplitter, splitLines, type Eol, type LineSplitterOptions } from './reader.js';
export {
  ReplyAssembler,
  checkReply,
  matchesExpect,
  parseCodeLine,
  parseReply,
  type CodeLine,
  type Expect,
  type Reply,
  type ReplyAssemblerOptions,
} from './replies.js';
export { DotStuffer, DotUnstuffer, stuffDotBlock, unstuffLine } from './dotblock.js';
export { encodeLine, encodeText, validateLine, type LineEncoding } from './writer.js';
export { LineConn } from './conn.js';
export { readDotBlockChunks, readDotBlockLines, writeDotBlockTo } from './dotio.js';
export { Deadline, StreamInput } from './input.js';
export { DotBody, type MessageSource } from './dot-body.js';
export { openSocket, tlsFor, traceTLS, type OpenTarget } from './open.js';
export { openSession, type LineProtocol, type LineSecurity, type LineSessionOptions } from './session.js';
