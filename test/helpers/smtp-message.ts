/**
 * The message the SMTP interop suites send to exim, through the line layer
 * (interop/mail.test.ts) and through SmtpClient, the smtp: opener and curl
 * (interop/smtp.test.ts): every case dot-stuffing and line-ending
 * normalisation must get right, in one text.
 */

/**
 * Leading dots (one, two, a lone dot that would end DATA unstuffed, a dot
 * and a space), bare LFs, a bare CR, CRLFs, 8-bit text, and no final line
 * ending.
 */
export const DOTTED_MESSAGE =
  'From: sender@client.test\r\n' +
  'To: bob@mail.test\r\n' +
  'Subject: dots and bare line endings\r\n' +
  'Message-ID: <smtp-dots@dialtone.test>\r\n' +
  '\r\n' +
  '.leading dot\n' +
  '..two leading dots\r\n' +
  '.\n' +
  'a bare CR here\rthen more\n' +
  '\n' +
  '..\n' +
  '. \n' +
  'h\u00e9llo\r\n' +
  'last line, no ending';

/** What exim stores for {@link DOTTED_MESSAGE}: every line ending LF, a final one added. */
export const DOTTED_STORED = Buffer.from(DOTTED_MESSAGE.replace(/\r\n|\r|\n/g, '\n') + '\n', 'utf8');
