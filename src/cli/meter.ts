/**
 * The progress meter: drawn on stderr only when stderr is a terminal and a
 * transfer has run for more than a second, one line per active transfer
 * (several with -Z), redrawn in place. Formatting is pure so it is tested
 * without a terminal.
 *
 * @module
 */

/** One transfer's progress as the meter sees it. */
export interface MeterTask {
  /** Bytes received (or sent, for uploads) so far. */
  update(transferred: number, total?: number | undefined): void;
  /** The transfer finished (or failed); its line is drawn one last time. */
  done(): void;
}

interface TaskState {
  label: string;
  start: number;
  transferred: number;
  total: number | undefined;
  finished: boolean;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 1536 → "1.5 KiB". */
export function formatBytes(n: number): string {
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${UNITS[u]}`;
}

/** Seconds → "H:MM:SS" (curl's style); "--:--:--" when unknown. */
export function formatDuration(s: number | undefined): string {
  if (s === undefined || !Number.isFinite(s) || s < 0) return '--:--:--';
  const t = Math.round(s);
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = t % 60;
  return `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
}

/** One meter line: percent, bytes, rate, elapsed and ETA. */
export function formatMeterLine(t: { label: string; transferred: number; total: number | undefined; elapsedMs: number }, width = 80): string {
  const secs = t.elapsedMs / 1000;
  const rate = secs > 0 ? t.transferred / secs : 0;
  const pct = t.total ? `${Math.min(100, Math.floor((t.transferred / t.total) * 100)).toString().padStart(3)}%` : '  -%';
  const size = t.total !== undefined ? `${formatBytes(t.transferred)} / ${formatBytes(t.total)}` : formatBytes(t.transferred);
  const eta = t.total !== undefined && rate > 0 ? Math.max(0, (t.total - t.transferred) / rate) : undefined;
  const right = `${pct} ${size}  ${formatBytes(Math.round(rate))}/s  ${formatDuration(secs)} ETA ${formatDuration(eta)}`;
  const room = Math.max(0, width - right.length - 2);
  const label = t.label.length > room ? `…${t.label.slice(t.label.length - room + 1)}` : t.label;
  return label ? `${label.padEnd(room)}  ${right}` : right;
}

/**
 * One `-#` line, curl's progress bar: `#` across the width in proportion to
 * the part done, then the percentage with one decimal; without a known
 * total, the bytes so far.
 */
export function formatBarLine(t: { transferred: number; total: number | undefined }, width = 80): string {
  if (!t.total) return formatBytes(t.transferred).padStart(width);
  const frac = Math.min(1, t.transferred / t.total);
  const bar = width - 7;
  return `${'#'.repeat(Math.floor(bar * frac)).padEnd(bar)} ${(frac * 100).toFixed(1).padStart(5)}%`;
}

/** Where and how the meter draws. */
export interface MeterOptions {
  /** False = never draw (stderr piped, -s, -v). */
  enabled: boolean;
  /** `bar`: curl's `-#` progress bar instead of the full line. */
  style?: 'line' | 'bar';
  /** How long a transfer runs before the meter appears, ms (1000). */
  delayMs?: number;
  /** Redraw interval, ms (250). */
  intervalMs?: number;
  now?: () => number;
  columns?: () => number;
}

/** The task of a meter that never draws. */
const NO_TASK: MeterTask = Object.freeze({ update() {}, done() {} });

/** The meter for a whole run; `task()` per transfer. */
export class Meter {
  readonly #out: NodeJS.WritableStream;
  readonly #opts: Required<MeterOptions>;
  readonly #tasks: TaskState[] = [];
  #drawnLines = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(out: NodeJS.WritableStream, options: MeterOptions) {
    this.#out = out;
    this.#opts = {
      delayMs: 1000,
      intervalMs: 250,
      style: 'line',
      now: () => performance.now(),
      columns: () => (out as NodeJS.WriteStream).columns || 80,
      ...options,
    };
  }

  /** Starts tracking one transfer. */
  task(label: string): MeterTask {
    if (!this.#opts.enabled) return NO_TASK;
    const state: TaskState = { label, start: this.#opts.now(), transferred: 0, total: undefined, finished: false };
    this.#tasks.push(state);
    this.#timer ??= setInterval(() => this.draw(), this.#opts.intervalMs).unref();
    return {
      update: (n, total) => {
        state.transferred = n;
        if (total !== undefined) state.total = total;
      },
      done: () => {
        if (state.finished) return;
        state.finished = true;
        this.draw();
      },
    };
  }

  /**
   * Redraws the block of active lines in place. A finished transfer is drawn
   * one last time above the block and left behind as a permanent line.
   */
  draw(): void {
    const now = this.#opts.now();
    const visible = this.#tasks.filter((t) => now - t.start >= this.#opts.delayMs);
    const done = visible.filter((t) => t.finished);
    const active = visible.filter((t) => !t.finished);
    for (let i = this.#tasks.length - 1; i >= 0; i--) if (this.#tasks[i]!.finished) this.#tasks.splice(i, 1);
    if (visible.length > 0 || this.#drawnLines > 0) {
      const width = Math.max(40, this.#opts.columns() - 1);
      const format = (t: TaskState): string => (this.#opts.style === 'bar' ? formatBarLine(t, width) : formatMeterLine({ ...t, elapsedMs: now - t.start }, width));
      const line = (t: TaskState): string => `${format(t)}\x1b[K`;
      let s = this.#drawnLines > 1 ? `\x1b[${this.#drawnLines - 1}A\r` : '\r';
      s += done.map((t) => `${line(t)}\n`).join('');
      s += active.map(line).join('\n');
      this.#drawnLines = active.length;
      this.#out.write(s);
    }
    if (this.#tasks.length === 0 && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  /** Stops redrawing and leaves the cursor on a fresh line. */
  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#drawnLines > 0) this.#out.write('\n');
    this.#drawnLines = 0;
  }
}
