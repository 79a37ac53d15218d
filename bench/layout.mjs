// What a reader of a (generated) events.parquet has to decode: per column chunk the codec,
// encodings, pages (counted by walking the page headers; only the headers are read), dictionary
// size and byte sizes, and whether the file has column / offset indexes.
// Usage: node bench/layout.mjs <file> [row group index]   one row group in detail (default 0)
//        node bench/layout.mjs <file> --all                every row group, summarised per column
import { open } from 'node:fs/promises'
import { asyncBufferFromFile, parquetMetadataAsync } from 'hyparquet'
import { parquetHeader } from 'hyparquet/src/column.js'

const args = process.argv.slice(2)
const file = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a))
if (!file) {
  console.error('usage: node bench/layout.mjs <events.parquet> [row group index | --all]')
  process.exit(2)
}
const all = args.includes('--all')
const metadata = await parquetMetadataAsync(await asyncBufferFromFile(file))
const handle = await open(file, 'r')
const kib = (n) => `${(Number(n) / 1024).toFixed(1)} KiB`

/** Walks the page headers of one column chunk, reading only the header bytes. */
async function pagesOf(meta) {
  const start = Number(meta.dictionary_page_offset ?? meta.data_page_offset)
  const end = start + Number(meta.total_compressed_size)
  const pages = { dictionary: 0, data: 0, dictionaryEntries: 0, encodings: new Set(), values: [] }
  let at = start
  while (at < end) {
    let size = 256
    let header
    let headerLength
    for (;;) {
      const bytes = new Uint8Array(Math.min(size, end - at))
      await handle.read(bytes, 0, bytes.length, at)
      const reader = { view: new DataView(bytes.buffer), offset: 0 }
      try {
        header = parquetHeader(reader)
        headerLength = reader.offset
        break
      } catch (error) {
        if (size >= end - at) throw error
        size *= 4 // the header (its statistics) was longer than what was read
      }
    }
    if (header.type === 'DICTIONARY_PAGE') {
      pages.dictionary++
      pages.dictionaryEntries += header.dictionary_page_header?.num_values ?? 0
    } else if (header.type === 'DATA_PAGE' || header.type === 'DATA_PAGE_V2') {
      pages.data++
      const page = header.data_page_header ?? header.data_page_header_v2
      pages.encodings.add(`${header.type === 'DATA_PAGE_V2' ? 'v2 ' : ''}${page.encoding}`)
      pages.values.push(page.num_values)
    }
    at += headerLength + header.compressed_page_size
  }
  return pages
}

const groupSizes = [...new Set(metadata.row_groups.map((g) => Number(g.num_rows)))]
console.log(
  `${file}: ${Number(metadata.num_rows).toLocaleString('en')} rows, ${metadata.row_groups.length} row groups ` +
    `(${groupSizes.join(', ')} rows), created by ${metadata.created_by}, format version ${metadata.version}`
)
const hasIndex = metadata.row_groups.some((g) =>
  g.columns.some((c) => c.column_index_offset !== undefined || c.offset_index_offset !== undefined)
)
console.log(`column index / offset index in any chunk: ${hasIndex ? 'yes' : 'no'}`)
console.log('')

if (!all) {
  const index = Number(args.find((a) => /^\d+$/.test(a)) ?? 0)
  const group = metadata.row_groups[index]
  console.log(
    `row group ${index}: ${Number(group.num_rows).toLocaleString('en')} rows, ${kib(group.total_byte_size)} uncompressed`
  )
  console.log('')
  console.log(
    '| column | type | codec | encodings | pages (dict + data) | data page encodings | values per data page | dictionary entries | compressed | uncompressed | stats min … max |'
  )
  console.log('| :--- | :--- | :--- | :--- | :--- | :--- | ---: | ---: | ---: | ---: | :--- |')
  for (const column of group.columns) {
    const meta = column.meta_data
    const pages = await pagesOf(meta)
    const stats = meta.statistics
    const min = stats?.min_value ?? stats?.min
    const max = stats?.max_value ?? stats?.max
    console.log(
      `| ${meta.path_in_schema.join('.')} | ${meta.type} | ${meta.codec} | ${meta.encodings.join(', ')} | ` +
        `${pages.dictionary} + ${pages.data} | ${[...pages.encodings].join(', ')} | ${pages.values.join(', ')} | ${pages.dictionaryEntries || '–'} | ` +
        `${kib(meta.total_compressed_size)} | ${kib(meta.total_uncompressed_size)} | ` +
        `${min !== undefined ? `${min} … ${max}`.slice(0, 60) : 'none'} |`
    )
  }
} else {
  const columns = new Map()
  for (const group of metadata.row_groups) {
    for (const column of group.columns) {
      const meta = column.meta_data
      const name = meta.path_in_schema.join('.')
      const pages = await pagesOf(meta)
      let c = columns.get(name)
      if (!c) {
        c = {
          type: meta.type,
          codecs: new Set(),
          encodings: new Map(),
          pages: new Map(),
          dict: [Infinity, 0],
          compressed: 0,
          uncompressed: 0,
          stats: 0
        }
        columns.set(name, c)
      }
      c.codecs.add(meta.codec)
      const enc = [...pages.encodings].join('+')
      c.encodings.set(enc, (c.encodings.get(enc) ?? 0) + 1)
      const p = `${pages.dictionary}+${pages.data}`
      c.pages.set(p, (c.pages.get(p) ?? 0) + 1)
      if (pages.dictionary)
        c.dict = [
          Math.min(c.dict[0], pages.dictionaryEntries),
          Math.max(c.dict[1], pages.dictionaryEntries)
        ]
      c.compressed += Number(meta.total_compressed_size)
      c.uncompressed += Number(meta.total_uncompressed_size)
      if (meta.statistics && (meta.statistics.min_value ?? meta.statistics.min) !== undefined)
        c.stats++
    }
  }
  const groups = metadata.row_groups.length
  console.log(
    '| column | type | codec | data page encodings (chunks) | pages dict+data (chunks) | dictionary entries | compressed | uncompressed | chunks with min/max |'
  )
  console.log('| :--- | :--- | :--- | :--- | :--- | ---: | ---: | ---: | ---: |')
  for (const [name, c] of columns) {
    const list = (m) => [...m].map(([k, n]) => `${k} (${n})`).join(', ')
    console.log(
      `| ${name} | ${c.type} | ${[...c.codecs].join('/')} | ${list(c.encodings)} | ${list(c.pages)} | ` +
        `${c.dict[1] ? `${c.dict[0]}–${c.dict[1]}` : '–'} | ${(c.compressed / 2 ** 20).toFixed(1)} MiB | ${(c.uncompressed / 2 ** 20).toFixed(1)} MiB | ${c.stats}/${groups} |`
    )
  }
}
await handle.close()
