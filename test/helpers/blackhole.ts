import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import { once } from 'node:events';

/**
 * A loopback address:port that never answers a SYN: a listener with a
 * backlog of 0 that never accepts, its queue filled by two idle connections,
 * so Linux drops further SYNs — a black hole without leaving loopback.
 * Python holds the listener because node:net always accepts.
 */
export async function blackhole(): Promise<{ host: string; port: number; close(): void }> {
  const py = 'import socket,sys,time\ns=socket.socket()\ns.bind(("127.0.0.1",0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(120)\n';
  const child: ChildProcess = spawn('python3', ['-c', py], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  const port = Number(line.toString().trim());
  const fillers: net.Socket[] = [];
  // Fill the accept queue; each filler may itself hang once it is full, so do not wait long.
  for (let i = 0; i < 3; i++) {
    const s = net.connect({ host: '127.0.0.1', port });
    s.on('error', () => {});
    fillers.push(s);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    host: '127.0.0.1',
    port,
    close() {
      for (const s of fillers) s.destroy();
      child.kill('SIGKILL');
    },
  };
}
