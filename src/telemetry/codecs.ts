import type { Compressors } from 'hyparquet'
import { compressors as portable } from 'hyparquet-compressors'
import { ZSTDDecoder } from 'zstddec'

/**
 * hyparquet-compressors' ZSTD is pure JavaScript: decompressing took a third of an analysis.
 * zstddec is zstd's own decoder compiled to WebAssembly, about ten times faster; it needs an
 * asynchronous start, done once per process.
 */
const zstd = new ZSTDDecoder()
let ready: Promise<Compressors> | undefined

export function codecs(): Promise<Compressors> {
  ready ??= zstd.init().then(() => ({
    ...portable,
    ZSTD(input: Uint8Array, outputLength: number): Uint8Array {
      const output = zstd.decode(input, outputLength)
      if (output.length !== outputLength) {
        throw new Error(`zstd: ${output.length} bytes decompressed, ${outputLength} expected`)
      }
      return output
    }
  }))
  return ready
}
