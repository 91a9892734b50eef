// The brand logo (TESSERA_BRAND_LOGO): read once at start, at most 64 KiB,
// its type recognised from its bytes (PNG, JPEG and WebP signatures; an
// SVG by its root element), never from its name.
import { readFileSync, statSync } from 'node:fs'

export const MAX_LOGO_BYTES = 64 * 1024

export interface Logo {
  readonly type: 'image/png' | 'image/jpeg' | 'image/webp' | 'image/svg+xml'
  readonly bytes: Buffer
}

const startsWith = (bytes: Buffer, signature: number[], at = 0) => signature.every((b, i) => bytes[at + i] === b)

/** The type the bytes are, or null. */
export function logoType(bytes: Buffer): Logo['type'] | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png'
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg'
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp'
  // SVG: text whose first element (after an XML declaration, comments and a doctype) is <svg.
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '')
  const rest = text.replace(/^\s*(<\?xml[^>]*\?>\s*)?((<!--[\s\S]*?-->|<!DOCTYPE[^>]*>)\s*)*/i, '')
  return /^<svg[\s>]/.test(rest) ? 'image/svg+xml' : null
}

/** The logo at `path`, or the problem (one line) that refuses it. */
export function readLogo(path: string): Logo | string {
  let size: number
  try {
    const stat = statSync(path)
    if (!stat.isFile()) return `${path} is not a file`
    size = stat.size
  } catch {
    return `cannot read ${path}: no such file`
  }
  if (size > MAX_LOGO_BYTES) return `${path} is ${size} bytes, more than 64 KiB`
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch (err) {
    return `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`
  }
  if (bytes.length > MAX_LOGO_BYTES) return `${path} is more than 64 KiB`
  const type = logoType(bytes)
  return type === null ? `${path} is not a PNG, JPEG, WebP or SVG file` : { type, bytes }
}
