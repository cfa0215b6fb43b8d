/**
 * FTP and FTPS: {@link FtpClient}, the file and tree helpers, and the sans-IO
 * core (reply texts, data addresses, listing dialects, path checks, ASCII
 * line endings).
 *
 * @module
 */
export { FtpClient, type FtpConnectOptions, type FtpSecurity, type ListOptions, type RetrieveOptions, type StoreOptions } from './client.js';
export { FtpPool, type FtpPoolOptions } from './pool.js';
export type { TransferOptions, TransferProgress, TransferSettings } from './transfer.js';
export type { Download } from './download.js';
export type { ConsumeSink } from './data-sink.js';
export { downloadTo, uploadFrom, ensureDir, downloadDir, uploadDir, type FileTransferOptions, type TreeOptions } from './files.js';
export { parseQuotes, sendQuotes, type QuoteCommand, type QuoteTarget } from './quote.js';
export * from './core/index.js';
