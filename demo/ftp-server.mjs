// @ts-check
/**
 * A tiny, read-only FTP server for the demo: anonymous login, passive mode
 * (EPSV and PASV), RETR, SIZE, MDTM, LIST and NLST over files held in memory.
 * Just enough of RFC 959 for a client to fetch a file; not for real use.
 */
import net from 'node:net';

/**
 * @param {Record<string, string | Buffer>} files absolute path → content
 * @returns {Promise<{ port: number, close(): Promise<void> }>}
 */
export async function startFtpServer(files) {
  const modified = new Date();
  /** @type {Set<net.Socket>} */
  const sockets = new Set();
  /** @type {Set<net.Socket>} */
  const controls = new Set();
  const server = net.createServer((control) => {
    sockets.add(control);
    controls.add(control);
    control.on('close', () => controls.delete(control));
    control.on('close', () => sockets.delete(control));
    control.on('error', () => {});
    /** @type {net.Server | undefined} */
    let passive;
    /** @type {Promise<net.Socket> | undefined} */
    let dataConn;
    let cwd = '/';
    let buffered = '';
    const reply = (/** @type {string} */ text) => control.write(`${text}\r\n`);
    const resolvePath = (/** @type {string} */ arg) => {
      const p = arg.startsWith('/') ? arg : `${cwd.replace(/\/$/, '')}/${arg}`;
      return p.replace(/\/+/g, '/');
    };
    const openPassive = () =>
      new Promise((resolve) => {
        passive?.close();
        const srv = net.createServer();
        passive = srv;
        dataConn = new Promise((gotConn) => srv.once('connection', (s) => (sockets.add(s), s.on('error', () => {}), gotConn(s))));
        srv.listen(0, '127.0.0.1', () => resolve(/** @type {net.AddressInfo} */ (srv.address()).port));
      });
    const sendData = async (/** @type {string | Buffer} */ payload, /** @type {string} */ what) => {
      if (!dataConn) return reply('425 Use EPSV or PASV first');
      reply(`150 Opening BINARY mode data connection for ${what}`);
      const conn = await dataConn;
      dataConn = undefined;
      conn.end(payload, () => {
        passive?.close();
        reply('226 Transfer complete');
      });
    };
    const commands = {
      USER: () => reply('331 Anonymous login ok, send your e-mail as password'),
      PASS: () => reply('230 Welcome to the dialtone demo FTP server'),
      SYST: () => reply('215 UNIX Type: L8'),
      FEAT: () => control.write('211-Features:\r\n EPSV\r\n PASV\r\n SIZE\r\n MDTM\r\n UTF8\r\n211 End\r\n'),
      OPTS: () => reply('200 OK'),
      NOOP: () => reply('200 OK'),
      TYPE: () => reply('200 Type set'),
      MODE: () => reply('200 Mode set'),
      PWD: () => reply(`257 "${cwd}" is the current directory`),
      CWD: (/** @type {string} */ arg) => {
        const p = resolvePath(arg);
        const isDir = p === '/' || Object.keys(files).some((f) => f.startsWith(`${p.replace(/\/$/, '')}/`));
        if (!isDir) return reply('550 No such directory');
        cwd = p;
        reply('250 Directory changed');
      },
      CDUP: () => ((cwd = cwd.replace(/[^/]+\/?$/, '') || '/'), reply('250 Directory changed')),
      EPSV: async () => reply(`229 Entering Extended Passive Mode (|||${await openPassive()}|)`),
      PASV: async () => {
        const port = /** @type {number} */ (await openPassive());
        reply(`227 Entering Passive Mode (127,0,0,1,${port >> 8},${port & 255})`);
      },
      SIZE: (/** @type {string} */ arg) => {
        const f = files[resolvePath(arg)];
        reply(f === undefined ? '550 No such file' : `213 ${Buffer.byteLength(f)}`);
      },
      MDTM: (/** @type {string} */ arg) => {
        if (files[resolvePath(arg)] === undefined) return reply('550 No such file');
        reply(`213 ${modified.toISOString().replace(/[-:T]/g, '').slice(0, 14)}`);
      },
      RETR: (/** @type {string} */ arg) => {
        const f = files[resolvePath(arg)];
        if (f === undefined) return reply('550 No such file');
        void sendData(f, arg);
      },
      LIST: (/** @type {string} */ arg) => {
        const dir = resolvePath(arg && !arg.startsWith('-') ? arg : cwd).replace(/\/?$/, '/');
        const month = modified.toLocaleString('en', { month: 'short' });
        const lines = Object.entries(files)
          .filter(([p]) => p.startsWith(dir) && !p.slice(dir.length).includes('/'))
          .map(([p, c]) => `-rw-r--r--    1 ftp      ftp      ${String(Buffer.byteLength(c)).padStart(8)} ${month} ${String(modified.getDate()).padStart(2)} 12:00 ${p.slice(dir.length)}\r\n`);
        void sendData(lines.join(''), 'file list');
      },
      NLST: (/** @type {string} */ arg) => {
        const dir = resolvePath(arg || cwd).replace(/\/?$/, '/');
        const names = Object.keys(files).filter((p) => p.startsWith(dir) && !p.slice(dir.length).includes('/'));
        void sendData(names.map((p) => `${p.slice(dir.length)}\r\n`).join(''), 'name list');
      },
      QUIT: () => {
        reply('221 Goodbye');
        control.end();
      },
    };
    reply('220 dialtone demo FTP ready');
    control.on('data', (chunk) => {
      buffered += chunk.toString('utf8');
      for (let nl = buffered.indexOf('\r\n'); nl >= 0; nl = buffered.indexOf('\r\n')) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 2);
        const sp = line.indexOf(' ');
        const verb = (sp < 0 ? line : line.slice(0, sp)).toUpperCase();
        const arg = sp < 0 ? '' : line.slice(sp + 1);
        const handler = /** @type {Record<string, (arg: string) => unknown>} */ (commands)[verb];
        if (handler) void handler(arg);
        else reply(`502 ${verb} not implemented`);
      }
    });
    control.on('close', () => passive?.close());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  return {
    port: /** @type {net.AddressInfo} */ (server.address()).port,
    /** Ends every open session with `reply`, as a server timing out idle clients does (for tests). */
    kick: (/** @type {string} */ reply = '421 Timeout.') => {
      for (const c of controls) c.end(`${reply}\r\n`);
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
