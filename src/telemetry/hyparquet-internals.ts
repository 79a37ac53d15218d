/**
 * The one door to hyparquet's undocumented internals (`hyparquet/src/*`): page headers, page
 * decompression, the RLE / bit-packed hybrid, PLAIN decoding and schema levels, which the fast
 * reader builds on. hyparquet is pinned to an exact version in package.json, and
 * __tests__/hyparquet-internals.test.ts calls each of these on known bytes, so an upgrade that
 * changes their shape fails there, loudly, and not somewhere in a report.
 */
export { parquetHeader } from 'hyparquet/src/column.js'
export { decompressPage } from 'hyparquet/src/datapage.js'
export { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js'
export { readPlain } from 'hyparquet/src/plain.js'
export { getMaxDefinitionLevel, getMaxRepetitionLevel, getTreePath } from 'hyparquet/src/schema.js'
