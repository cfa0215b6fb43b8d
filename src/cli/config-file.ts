/**
 * curl's -K/--config: options read from a file (or stdin with `-K -`), one
 * per line, spliced into the command line where the -K stood — so secrets
 * and long option lists stay out of `ps`. The syntax is curl's: a long
 * option may drop its dashes; its value follows after blanks, `=` or `:`;
 * a value with blanks is written in double quotes, with `\"`, `\\`, `\t`,
 * `\n`, `\r` and `\v` escapes; `#` starts a comment line. An option dial
 * does not know is a warning (with the file and line), as in curl, not the
 * end of the run.
 *
 * @module
 */
import { CliExit, EXIT } from './exit-codes.js';
import { longName, takesValue } from './argv.js';
import { readAtMostSync } from './data.js';

/** Config files may name config files; past this depth it is a loop. */
const MAX_DEPTH = 8;

/** The biggest config file read: a bound, not a limit anyone should meet. */
const MAX_BYTES = 1024 * 1024;

/** Reads a config file's text; `-` is stdin. */
export type ConfigReader = (path: string) => string;

const readConfig: ConfigReader = (path) => {
  // Bounded while reading: `-K /dev/zero`, or a pipe that never ends, must not fill memory first.
  const buf = readAtMostSync(path, MAX_BYTES);
  if (!buf) throw new Error(`larger than ${MAX_BYTES} bytes`);
  return buf.toString('utf8');
};

/** A quoted value from `line[i]` (the opening quote), with curl's escapes; returns it and the index after the closing quote. */
function quoted(line: string, i: number): [string, number] {
  let out = '';
  for (i++; i < line.length && line[i] !== '"'; i++) {
    let c = line[i]!;
    if (c === '\\' && i + 1 < line.length) {
      const e = line[++i]!;
      c = e === 't' ? '\t' : e === 'n' ? '\n' : e === 'r' ? '\r' : e === 'v' ? '\v' : e;
    }
    out += c;
  }
  return [out, i + 1];
}

function isBlank(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}

/**
 * The command-line words of a config file's text. `where` names it in
 * warnings (`file:line`).
 */
export function configWords(text: string, where: string, warn: (line: string) => void): string[] {
  const words: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    let i = 0;
    while (isBlank(line[i])) i++;
    if (i >= line.length || line[i] === '#') continue;
    let j = i;
    while (j < line.length && !isBlank(line[j]) && line[j] !== '=' && line[j] !== ':') j++;
    const word = line.slice(i, j);
    const long = longName(word);
    if (long === undefined && !/^-[^-]/.test(word)) {
      warn(`Warning: ${where}:${n + 1}: warning: '${word.replace(/^-+/, '')}' is unknown`);
      continue;
    }
    // A cluster of short flags (-sS) goes as it is; parseArgs reads it.
    const option = long === undefined ? word : `--${long}`;
    while (isBlank(line[j])) j++;
    if (line[j] === '=' || line[j] === ':') j++;
    while (isBlank(line[j])) j++;
    if (long === undefined || !takesValue(long)) {
      words.push(option);
      continue;
    }
    let value: string;
    if (line[j] === '"') [value] = quoted(line, j);
    else {
      let k = j;
      while (k < line.length && !isBlank(line[k])) k++;
      value = line.slice(j, k);
    }
    words.push(option, value);
  }
  return words;
}

/**
 * The command line with every `-K FILE` / `--config FILE` replaced by the
 * file's options, recursively. A file that cannot be read is curl's exit 26.
 */
export function expandConfig(argv: readonly string[], warn: (line: string) => void, read: ConfigReader = readConfig, depth = 0): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    let path: string | undefined;
    if ((a === '-K' || a === '--config') && i + 1 < argv.length) path = argv[++i]!;
    else if (a.startsWith('--config=')) path = a.slice('--config='.length);
    else if (a.startsWith('-K') && a.length > 2 && !a.startsWith('--')) path = a.slice(2);
    if (path === undefined) {
      out.push(a);
      // An option's value is never a -K of its own (`-H -Kx` sends a header).
      const long = a.includes('=') ? undefined : longName(a);
      if (long !== undefined && takesValue(long) && i + 1 < argv.length) out.push(argv[++i]!);
      continue;
    }
    if (depth >= MAX_DEPTH) throw new CliExit(EXIT.FAILED_INIT, `option -K: config files nested more than ${MAX_DEPTH} deep`);
    let text: string;
    try {
      text = read(path);
    } catch (e) {
      throw new CliExit(EXIT.READ_ERROR, `cannot read config from '${path}': ${(e as Error).message}`, { cause: e });
    }
    out.push(...expandConfig(configWords(text, path === '-' ? '<stdin>' : path, warn), warn, read, depth + 1));
  }
  return out;
}
