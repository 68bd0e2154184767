/**
 * Packs a flat object whose values are JSON data or Uint8Arrays into ONE ArrayBuffer, so a
 * worker result with several byte arrays crosses threads as a single transferred buffer
 * instead of being copied by structured clone.
 *
 * Layout: uint32 header length · header JSON (UTF-8) · the byte arrays back to back.
 */
export function packTransferable(value: Record<string, unknown>): ArrayBuffer {
  const json: Record<string, unknown> = {}
  const binaries: { key: string; bytes: Uint8Array }[] = []
  for (const [key, v] of Object.entries(value)) {
    if (v instanceof Uint8Array) binaries.push({ key, bytes: v })
    else json[key] = v
  }
  const header = new TextEncoder().encode(JSON.stringify({ json, binaries: binaries.map((b) => [b.key, b.bytes.byteLength]) }))
  const total = 4 + header.byteLength + binaries.reduce((n, b) => n + b.bytes.byteLength, 0)
  const out = new Uint8Array(total)
  new DataView(out.buffer).setUint32(0, header.byteLength, true)
  out.set(header, 4)
  let offset = 4 + header.byteLength
  for (const b of binaries) {
    out.set(b.bytes, offset)
    offset += b.bytes.byteLength
  }
  return out.buffer
}

/** Inverse of packTransferable; the Uint8Arrays returned are views into `buffer`. */
export function unpackTransferable<T>(buffer: ArrayBuffer): T {
  const headerLength = new DataView(buffer).getUint32(0, true)
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, headerLength))) as {
    json: Record<string, unknown>
    binaries: [string, number][]
  }
  const result: Record<string, unknown> = { ...header.json }
  let offset = 4 + headerLength
  for (const [key, length] of header.binaries) {
    result[key] = new Uint8Array(buffer, offset, length)
    offset += length
  }
  return result as T
}

/** A Uint8Array that owns its whole ArrayBuffer, so the buffer can be transferred safely. */
export function ownedBytes(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice()
}
