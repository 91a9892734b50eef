// Temporary folders of a bench run (server logs, databases), removed at its end.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const dirs = []

export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), `tessera-bench-${prefix}-`))
  dirs.push(dir)
  return dir
}

export function removeTempDirs() {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
}
