// The part of tar-fs (no published types) the build context uses.
declare module 'tar-fs' {
  import type { Readable } from 'node:stream';
  export interface PackOptions {
    /** Paths relative to the packed directory; a directory entry is packed with its content. */
    readonly entries?: readonly string[];
    readonly ignore?: (name: string) => boolean;
  }
  export function pack(cwd: string, options?: PackOptions): Readable;
}
