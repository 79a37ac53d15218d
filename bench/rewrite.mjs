// Rewrites a generated events.parquet with another writer, so the benchmark also measures the
// layouts users' tools produce (issue 14): the same rows, the writer's own pages, encodings and
// row groups.
//
// Usage: node bench/rewrite.mjs <in.parquet> <out.parquet> --writer arrow-rs|arrow-rs-v2|polars
//   arrow-rs     arrow-rs (through parquet-wasm) defaults: zstd, dictionaries, v1 pages, row
//                groups of 1,048,576 rows, page statistics
//   arrow-rs-v2  arrow-rs with data page v2 and DELTA_BINARY_PACKED integers (what pyarrow and
//                arrow-rs users with `data_page_version="2.0"` and delta encodings get), zstd
//   polars       nodejs-polars' streaming sinkParquet, zstd
// Both stream record batches, so memory stays bounded.
import { openAsBlob } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { createWriteStream } from 'node:fs'
import { once } from 'node:events'

const INTEGER_COLUMNS = ['ts_ns', 'dur_ns', 'tid', 'pid', 'bytes', 'read_bytes', 'write_bytes']

export async function rewrite(input, output, writer) {
  const partial = `${output}.partial`
  await rm(partial, { force: true })
  if (writer === 'polars') {
    const { default: pl } = await import('nodejs-polars')
    // the streaming engine: memory stays bounded whatever the size
    await pl
      .scanParquet(input)
      .sinkParquet(partial, { compression: 'zstd', maintainOrder: true })
      .collect()
  } else if (writer === 'arrow-rs' || writer === 'arrow-rs-v2') {
    const wasm = await import('parquet-wasm/node')
    const source = await wasm.ParquetFile.fromFile(await openAsBlob(input))
    let builder = new wasm.WriterPropertiesBuilder()
      .setCompression(wasm.Compression.ZSTD)
      .setStatisticsEnabled(wasm.EnabledStatistics.Page)
    if (writer === 'arrow-rs-v2') {
      builder = builder.setWriterVersion(wasm.WriterVersion.V2)
      for (const column of INTEGER_COLUMNS) {
        builder = builder
          .setColumnDictionaryEnabled(column, false)
          .setColumnEncoding(column, wasm.Encoding.DELTA_BINARY_PACKED)
      }
    }
    const batches = await source.stream({ batchSize: 65536 })
    const bytes = await wasm.transformParquetStream(batches, builder.build())
    const sink = createWriteStream(partial)
    for await (const chunk of bytes) {
      if (!sink.write(chunk)) await once(sink, 'drain')
    }
    sink.end()
    await once(sink, 'finish')
  } else {
    throw new Error(`unknown writer ${writer}`)
  }
  await rename(partial, output)
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2)
  const at = args.indexOf('--writer')
  const writer = at >= 0 ? args.splice(at, 2)[1] : undefined
  const [input, output] = args
  if (!input || !output || !writer) {
    console.error(
      'usage: node bench/rewrite.mjs <in.parquet> <out.parquet> --writer arrow-rs|arrow-rs-v2|polars'
    )
    process.exit(2)
  }
  const started = performance.now()
  await rewrite(input, output, writer)
  console.error(
    `${output}: written by ${writer} in ${((performance.now() - started) / 1000).toFixed(1)} s`
  )
}
