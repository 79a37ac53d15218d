/**
 * A fast decoder for the column chunks of an events table. hyparquet's readers assemble every
 * value into a JS array (strings per row, BigInts, nulls), which costs tens of milliseconds per
 * 100k rows; here pages decode straight into typed arrays: numbers into a Float64Array, strings
 * into dictionary codes, frames lists into offsets + codes. The work is split by job: hybrid.ts
 * (the RLE / bit-packed hybrid), pages.ts (page headers, levels, where the values are), values.ts
 * (values into typed outputs), and this module, which assembles a chunk's pages into one column
 * of a batch. Encodings not covered raise UnsupportedChunk, and the caller falls back to
 * hyparquet's general reader for that chunk.
 */
import { createInterner, type FramesColumn, type StringColumn } from './batch.js'
import {
  checkChunk,
  CorruptChunk,
  int96Reader,
  pages,
  UnsupportedChunk,
  type ChunkSpec,
  type DecodedChunk,
  type ValueSource
} from './pages.js'
import { byteArrayCodes, ByteStrings, byteStreamSplit, deltaIntegers } from './encodings.js'
import {
  allIndices,
  indicesAt,
  int64Reader,
  numbersOf,
  scatterCodes,
  scatterNumbers,
  selectedValues,
  stringsOf
} from './values.js'

export { checkChunk, CorruptChunk, UnsupportedChunk } from './pages.js'
export type { ChunkSpec, ChunkTarget, DecodedChunk } from './pages.js'

/** Scratch space for a page's INT64 values and their numbers, reused page after page. */
let int64Scratch = new BigInt64Array(0)
let numberScratch = new Float64Array(0)

function alignedInt64(view: DataView, offset: number, count: number): BigInt64Array {
  if (int64Scratch.length < count) int64Scratch = new BigInt64Array(count)
  const values = int64Scratch.subarray(0, count)
  new Uint8Array(values.buffer, 0, count * 8).set(
    new Uint8Array(view.buffer, view.byteOffset + offset, count * 8)
  )
  return values
}

function scratchNumbers(count: number): Float64Array {
  if (numberScratch.length < count) numberScratch = new Float64Array(count)
  return numberScratch.subarray(0, count)
}

function timeBase(spec: ChunkSpec): bigint {
  if (spec.target.kind !== 'time') throw new UnsupportedChunk('INT96 that is not a time')
  return spec.target.baseNs
}

/** A page's values (not dictionary indices, not INT64 in place) as output numbers. */
function pageNumbers(source: ValueSource, spec: ChunkSpec): Float64Array {
  switch (source.kind) {
    case 'plain':
      return numbersOf(source.values, spec)
    case 'delta': {
      const { target } = spec
      if (target.kind !== 'time') {
        return deltaIntegers({ ...source.reader }, source.end, source.count, source.type, 0n)
      }
      // in the column's unit, from the base: exact, then scaled to nanoseconds
      const scale = BigInt(target.scale)
      const base = target.baseNs / scale
      const remainder = Number(target.baseNs - base * scale)
      const values = deltaIntegers(
        { ...source.reader },
        source.end,
        source.count,
        source.type,
        base
      )
      if (target.scale !== 1 || remainder !== 0) {
        for (let k = 0; k < values.length; k++) values[k] = values[k] * target.scale - remainder
      }
      return values
    }
    case 'split':
      return byteStreamSplit(
        { ...source.reader },
        source.end,
        source.count,
        source.type,
        int64Reader(spec)
      )
    default:
      throw new UnsupportedChunk(`numbers stored as ${source.kind}`)
  }
}

function decodeNumbers(spec: ChunkSpec): Float64Array {
  const length = spec.select ? spec.select.length : spec.rows
  const out =
    spec.reuse instanceof Float64Array && spec.reuse.length === length
      ? spec.reuse
      : new Float64Array(length)
  out.fill(NaN)
  let dictionary: Float64Array | undefined
  let row = 0
  const cursor = { next: 0 }
  for (const page of pages(spec)) {
    if ('dictionary' in page) {
      dictionary =
        spec.meta.type === 'INT96'
          ? (page.dictionary as Float64Array)
          : numbersOf(page.dictionary, spec)
      continue
    }
    const { source } = page
    if (source.kind === 'indices' && !dictionary) {
      throw new CorruptChunk('dictionary-encoded values without a dictionary page')
    }
    if (source.kind === 'int64' || source.kind === 'int96') {
      const { view, offset } = source
      const width = source.kind === 'int64' ? 8 : 12
      const read = source.kind === 'int64' ? int64Reader(spec) : int96Reader(timeBase(spec))
      if (!spec.select && source.kind === 'int64') {
        // an aligned copy read as 32-bit words: several times faster than a DataView per value
        const values = alignedInt64(view, offset, source.count)
        if (!page.presence) numbersOf(values, spec, out.subarray(row, row + page.count))
        else
          scatterNumbers(
            out,
            row,
            page,
            numbersOf(values, spec, scratchNumbers(values.length)),
            undefined
          )
        row += page.count
        continue
      }
      if (!spec.select && !page.presence) {
        for (let k = 0; k < page.count; k++) out[row + k] = read(view, offset + k * width)
      } else if (!spec.select) {
        const presence = page.presence as Uint8Array
        let next = 0
        for (let b = 0; b < presence.length; b++) {
          const byte = presence[b]
          for (let k = 0; byte !== 0 && k < 8; k++) {
            if (byte & (1 << k)) out[row + b * 8 + k] = read(view, offset + next++ * width)
          }
        }
      } else {
        const { targets, positions } = selectedValues(page, row, spec.select, cursor)
        for (let k = 0; k < targets.length; k++) {
          out[targets[k]] = read(view, offset + positions[k] * width)
        }
      }
      row += page.count
      continue
    }
    if (source.kind === 'indices') {
      const values = dictionary as Float64Array
      if (!spec.select) {
        scatterNumbers(out, row, page, values, allIndices(source))
      } else {
        const { targets, positions } = selectedValues(page, row, spec.select, cursor)
        const indices = indicesAt(source, positions)
        for (let k = 0; k < targets.length; k++) out[targets[k]] = values[indices[k]]
      }
      row += page.count
      continue
    }
    if (!spec.select && !page.presence && source.kind === 'plain') {
      // every row present, plain values: converted straight into the output
      numbersOf(source.values, spec, out.subarray(row, row + page.count))
      row += page.count
      continue
    }
    const values = pageNumbers(source, spec)
    if (!spec.select) {
      // every row: walk the presence bitmap, no per-row bookkeeping
      scatterNumbers(out, row, page, values, undefined)
    } else {
      const { targets, positions } = selectedValues(page, row, spec.select, cursor)
      for (let k = 0; k < targets.length; k++) out[targets[k]] = values[positions[k]]
    }
    row += page.count
  }
  return out
}

/** A page's strings (not dictionary indices) as codes of the chunk's strings, one per value. */
function pageCodes(
  source: ValueSource,
  strings: () => ByteStrings,
  positions?: Int32Array
): Int32Array {
  if (source.kind !== 'bytes') throw new UnsupportedChunk(`strings stored as ${source.kind}`)
  const { reader, end, count, encoding } = source
  return byteArrayCodes({ ...reader }, end, count, encoding, strings(), positions)
}

function reusableCodes(spec: ChunkSpec, length: number): Int32Array {
  const previous = spec.reuse
  const codes =
    previous &&
    !(previous instanceof Float64Array) &&
    !('offsets' in previous) &&
    previous.codes.length === length
      ? previous.codes
      : new Int32Array(length)
  return codes.fill(-1)
}

function decodeStrings(spec: ChunkSpec): StringColumn {
  const codes = reusableCodes(spec, spec.select ? spec.select.length : spec.rows)
  let dictionary: string[] = []
  const interner = createInterner()
  let table: ByteStrings | undefined
  // pages of values after dictionary ones (a dictionary that grew too large): one dictionary
  const strings = () => {
    if (!table) {
      for (const value of dictionary) interner.intern(value)
      table = new ByteStrings(interner.intern)
    }
    return table
  }
  let row = 0
  const cursor = { next: 0 }
  for (const page of pages(spec)) {
    if ('dictionary' in page) {
      dictionary = stringsOf(page.dictionary)
      continue
    }
    const { source } = page
    if (!spec.select) {
      scatterCodes(
        codes,
        row,
        page,
        source.kind === 'indices' ? allIndices(source) : pageCodes(source, strings)
      )
      row += page.count
      continue
    }
    const { targets, positions } = selectedValues(page, row, spec.select, cursor)
    if (source.kind === 'indices') {
      const indices = indicesAt(source, positions)
      for (let k = 0; k < targets.length; k++) codes[targets[k]] = indices[k]
    } else {
      const values = pageCodes(source, strings, positions)
      for (let k = 0; k < targets.length; k++) codes[targets[k]] = values[k]
    }
    row += page.count
  }
  return { codes, dictionary: table ? interner.dictionary : dictionary }
}

function decodeFramesList(spec: ChunkSpec): FramesColumn {
  const { select } = spec
  const rows = select ? select.length : spec.rows
  const offsets = new Int32Array(rows + 1)
  const parts: Int32Array[] = []
  let used = 0
  let dictionary: string[] = []
  const interner = createInterner()
  let table: ByteStrings | undefined
  const strings = () => {
    if (!table) {
      for (const value of dictionary) interner.intern(value)
      table = new ByteStrings(interner.intern)
    }
    return table
  }
  let row = -1
  let target = 0
  for (const page of pages(spec)) {
    if ('dictionary' in page) {
      dictionary = stringsOf(page.dictionary)
      continue
    }
    const { repetition, definition, count, source } = page
    if (!repetition || !definition) throw new UnsupportedChunk('frames list without levels')
    // which values (by position) belong to kept rows, and where each kept row starts
    const positions = new Int32Array(page.present)
    let wanted = 0
    let position = 0
    let keep = false
    for (let i = 0; i < count; i++) {
      if (repetition[i] === 0) {
        row++
        if (row >= spec.rows)
          throw new CorruptChunk('the list column has more rows than its row group')
        keep = select ? target < select.length && select[target] === row : true
        if (keep) offsets[target++] = used + wanted
      }
      if (definition[i] === spec.maxDefinition) {
        if (keep) positions[wanted++] = position
        position++
      }
    }
    const kept = positions.subarray(0, wanted)
    if (source.kind === 'indices') {
      // (a copy: the scratch buffer is reused by the next page)
      parts.push(select ? indicesAt(source, kept) : allIndices(source).slice(0, wanted))
    } else {
      parts.push(pageCodes(source, strings, select ? kept : undefined).slice(0, wanted))
    }
    used += wanted
  }
  while (target < rows) offsets[target++] = used
  offsets[rows] = used
  const codes = new Int32Array(used)
  let at = 0
  for (const part of parts) {
    codes.set(part, at)
    at += part.length
  }
  return { offsets, codes, dictionary: table ? interner.dictionary : dictionary }
}

/** `;`-joined stacks: each distinct stack is split once, rows copy its frame codes. */
function decodeFramesJoined(spec: ChunkSpec): FramesColumn {
  const stacks = decodeStrings({ ...spec, reuse: undefined })
  const interner = createInterner()
  const split = stacks.dictionary.map((stack) =>
    Int32Array.from(stack === '' ? [] : stack.split(';').map((frame) => interner.intern(frame)))
  )
  const rows = stacks.codes.length
  const offsets = new Int32Array(rows + 1)
  let total = 0
  for (let row = 0; row < rows; row++) {
    const code = stacks.codes[row]
    total += code < 0 ? 0 : split[code].length
    offsets[row + 1] = total
  }
  const codes = new Int32Array(total)
  for (let row = 0; row < rows; row++) {
    const code = stacks.codes[row]
    if (code >= 0) codes.set(split[code], offsets[row])
  }
  return { offsets, codes, dictionary: interner.dictionary }
}

/**
 * Decodes one column chunk of `rows` rows (or only the `select`ed rows, in that order); throws
 * UnsupportedChunk for encodings not handled.
 */
export function decodeChunk(spec: ChunkSpec): DecodedChunk {
  checkChunk(spec.bytes, spec.meta, spec.rows, spec.maxRepetition, spec.element.type_length)
  const nested = spec.maxRepetition > 0 || spec.maxDefinition > 1
  switch (spec.target.kind) {
    case 'number':
    case 'time':
      if (nested) throw new UnsupportedChunk('nested number')
      return decodeNumbers(spec)
    case 'string':
      if (nested) throw new UnsupportedChunk('nested string')
      return decodeStrings(spec)
    case 'frames-joined':
      if (nested) throw new UnsupportedChunk('nested stack')
      return decodeFramesJoined(spec)
    case 'frames-list':
      if (spec.maxRepetition !== 1) throw new UnsupportedChunk('frames nested deeper than one list')
      return decodeFramesList(spec)
  }
}
