// Follows tap's nested TAP output (four spaces a level) and keeps each
// failing assertion with the subtests above it, and the first lines of its
// diagnostics (what was found and wanted, and where). A failing subtest
// whose failing child is already kept is not repeated; past 20 failures
// only their number is told.
export function failureCollector () {
  const names = []
  const kept = []
  let diagnostics = null // of the last kept failure, until its YAML block ends
  let inBlock = false
  return {
    line (line) {
      if (diagnostics && !inBlock && /^\s*---\s*$/.test(line)) { inBlock = true; return }
      if (inBlock) {
        if (/^\s*\.\.\.\s*$/.test(line)) { inBlock = false; diagnostics = null; return }
        const field = line.trim()
        if (diagnostics.length < 8 && /^(found|wanted|doNotWant|pattern|message|error|code|fileName|lineNumber): /.test(field)) diagnostics.push(field)
        return
      }
      diagnostics = null
      const level = Math.floor(/^ */.exec(line)[0].length / 4)
      const subtest = /^\s*# Subtest: (.*)$/.exec(line)
      if (subtest) { names.length = level; names[level] = subtest[1]; return }
      const failed = /^\s*not ok \d+ - (.*)$/.exec(line)
      if (!failed) return
      const path = [...names.slice(0, level), failed[1].replace(/ # time=.*$/, '')]
      const last = kept.at(-1)
      if (last && last.level > level && path.every((n, i) => last.path[i] === n)) return
      diagnostics = []
      kept.push({ level, path, diagnostics })
    },
    report () {
      const told = kept.slice(0, 20).flatMap(({ path, diagnostics }) =>
        [`  not ok: ${path.join(' > ')}`, ...diagnostics.map((d) => `      ${d}`)])
      if (kept.length > 20) told.push(`  and ${kept.length - 20} more`)
      return told
    },
  }
}
