/**
 * The typed directory entry every listing dialect produces.
 *
 * @module
 */

/** What an entry is; 'unknown' for a line no dialect understood. */
export type FileType = 'file' | 'dir' | 'link' | 'unknown';

/** One entry of a directory listing. */
export interface FileEntry {
  /** The name as the server gave it (for a symlink, without ` -> target`). */
  name: string;
  type: FileType;
  /** Bytes; undefined for devices and when the server did not say. */
  size?: number | undefined;
  /** Modification time; listings without a zone are read as UTC. */
  modified?: Date | undefined;
  /** `rwxr-xr-x` style (Unix), or the MLSD `perm` fact. */
  permissions?: string | undefined;
  /** A symlink's target. */
  target?: string | undefined;
  owner?: string | undefined;
  group?: string | undefined;
  /** Unix `ls -l` type letter: '-', 'd', 'l', 'c', 'b', 'p', 's'. */
  unixType?: string | undefined;
  /** Device numbers of a `c`/`b` entry. */
  device?: { major: number; minor: number } | undefined;
  /** MLSD/MLST facts, names lower-cased. */
  facts?: Record<string, string> | undefined;
  /** The line exactly as received. */
  raw: string;
}

/** One listing dialect: `test` says whether a line is its own, `parse` reads it. */
export interface ListingDialect {
  readonly name: string;
  test(line: string): boolean;
  /** Undefined when the line, despite `test`, is not an entry. */
  parse(line: string, now: Date): FileEntry | undefined;
}
