/**
 * Generic Thrift Compact Protocol structs, on top of hyparquet's reader and hyparquet-writer's
 * writer: a struct is `{ field_1: …, field_2: … }` with I64 as bigint, I32/I16/BYTE as number,
 * BINARY as Uint8Array, LIST as an array, STRUCT as a nested object. The corpus generator uses it
 * to change any field of a parquet footer or page header without knowing the whole schema.
 *
 * Round-trip caveats (checked by `assertRoundTrip`): the writer infers each field's wire type from
 * the JavaScript value, so an I16 or BYTE field comes back as I32 (hyparquet reads them alike, and
 * hyparquet-writer writes RowGroup.ordinal that way itself), and a DOUBLE holding an integral value
 * would become I32; parquet footers of the files used here have no DOUBLE fields.
 */
import { deserializeTCompactProtocol } from 'hyparquet/src/thrift.js'
import { ByteWriter } from 'hyparquet-writer'
import { serializeTCompactProtocol } from 'hyparquet-writer/src/thrift.js'

export type ThriftValue = boolean | number | bigint | Uint8Array | ThriftValue[] | ThriftStruct
export type FieldKey = `field_${number}`
export type ThriftStruct = { [key: FieldKey]: ThriftValue }

/** Decodes one struct starting at `offset`; `end` is the offset just after its STOP byte. */
export function decodeStruct(bytes: Uint8Array, offset = 0): { struct: ThriftStruct; end: number } {
  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset }
  const struct = deserializeTCompactProtocol(reader) as ThriftStruct
  return { struct, end: reader.offset }
}

export function encodeStruct(struct: ThriftStruct): Uint8Array {
  const writer = new ByteWriter()
  serializeTCompactProtocol(writer, struct)
  return new Uint8Array(writer.getBuffer())
}

const key = (id: number): FieldKey => `field_${id}`

export function has(struct: ThriftStruct, id: number): boolean {
  return struct[key(id)] !== undefined
}

function get(struct: ThriftStruct, id: number): ThriftValue {
  const value = struct[key(id)]
  if (value === undefined) throw new Error(`thrift field ${id} is absent`)
  return value
}

export function getStruct(struct: ThriftStruct, id: number): ThriftStruct {
  const value = get(struct, id)
  if (typeof value !== 'object' || value instanceof Uint8Array || Array.isArray(value)) {
    throw new Error(`thrift field ${id} is not a struct`)
  }
  return value
}

export function getList(struct: ThriftStruct, id: number): ThriftValue[] {
  const value = get(struct, id)
  if (!Array.isArray(value)) throw new Error(`thrift field ${id} is not a list`)
  return value
}

export function getStructList(struct: ThriftStruct, id: number): ThriftStruct[] {
  return getList(struct, id).map((item) => {
    if (typeof item !== 'object' || item instanceof Uint8Array || Array.isArray(item)) {
      throw new Error(`thrift field ${id} is not a list of structs`)
    }
    return item
  })
}

/** An I32 (or I16/BYTE) field. */
export function getI32(struct: ThriftStruct, id: number): number {
  const value = get(struct, id)
  if (typeof value !== 'number') throw new Error(`thrift field ${id} is not an I32`)
  return value
}

export function getI64(struct: ThriftStruct, id: number): bigint {
  const value = get(struct, id)
  if (typeof value !== 'bigint') throw new Error(`thrift field ${id} is not an I64`)
  return value
}

export function getBinary(struct: ThriftStruct, id: number): Uint8Array {
  const value = get(struct, id)
  if (!(value instanceof Uint8Array)) throw new Error(`thrift field ${id} is not binary`)
  return value
}

/**
 * Sets a field (removes it for `undefined`). The compact protocol writes field ids as deltas, so
 * fields must stay in ascending order: the struct's keys are re-inserted sorted.
 */
export function setField(struct: ThriftStruct, id: number, value: ThriftValue | undefined): void {
  const entries = Object.entries(struct).filter(([name]) => name !== key(id))
  if (value !== undefined) entries.push([key(id), value])
  entries.sort(([a], [b]) => Number(a.slice(6)) - Number(b.slice(6)))
  for (const name of Object.keys(struct)) delete struct[name as FieldKey]
  for (const [name, field] of entries) struct[name as FieldKey] = field
}

export const INT32_MAX = 2 ** 31 - 1
export const INT32_MIN = -(2 ** 31)

/** I32 values outside the type's range would be written as garbage varints: refuse them. */
export function setI32(struct: ThriftStruct, id: number, value: number): void {
  if (!Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
    throw new Error(`thrift field ${id}: ${value} does not fit an I32`)
  }
  setField(struct, id, value)
}

export function setI64(struct: ThriftStruct, id: number, value: bigint): void {
  setField(struct, id, value)
}

/** A deep copy (Uint8Array views are copied too, so a copy can be changed independently). */
export function cloneStruct<T extends ThriftValue>(value: T): T {
  if (value instanceof Uint8Array) return value.slice() as T
  if (Array.isArray(value)) return value.map((item) => cloneStruct(item)) as T
  if (typeof value === 'object') {
    const copy: ThriftStruct = {}
    for (const [name, field] of Object.entries(value)) copy[name as FieldKey] = cloneStruct(field)
    return copy as T
  }
  return value
}

function sameValue(a: ThriftValue, b: ThriftValue): boolean {
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return (
      a instanceof Uint8Array &&
      b instanceof Uint8Array &&
      a.length === b.length &&
      a.every((byte, index) => byte === b[index])
    )
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, index) => sameValue(item, b[index]))
    )
  }
  if (typeof a === 'object' && typeof b === 'object') {
    const names = new Set([...Object.keys(a), ...Object.keys(b)])
    return [...names].every((name) => {
      const left = a[name as FieldKey]
      const right = b[name as FieldKey]
      return left !== undefined && right !== undefined && sameValue(left, right)
    })
  }
  // typeof also tells I64 (bigint) from I32 (number): a changed wire type fails here
  return typeof a === typeof b && a === b
}

/** Throws unless encoding `struct` and decoding it again gives the same generic value. */
export function assertRoundTrip(struct: ThriftStruct, what: string): void {
  const { struct: again } = decodeStruct(encodeStruct(struct))
  if (!sameValue(struct, again)) throw new Error(`${what}: thrift round trip changed the struct`)
}
