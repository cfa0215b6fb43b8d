/**
 * SMTP: {@link SmtpClient} (STARTTLS or implicit TLS, AUTH, SIZE, 8BITMIME,
 * SMTPUTF8, PIPELINING) and the sans-IO core (replies, EHLO capabilities,
 * envelope checks, AUTH encodings).
 *
 * @module
 */
export { SmtpClient } from './client.js';
export type { MailMessage, SendOptions, SendResult, SmtpConnectOptions, SmtpSecurity } from './options.js';
export { sendMessage, prepare, type MailSession, type Prepared } from './transaction.js';
export * from './core/index.js';
