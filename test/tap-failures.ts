// The test runner names what failed just above CI's last line, because CI
// shows only the tail of a run's output.
import t from 'tap'
import { failureCollector } from '../scripts/tap-failures.mjs'

/** What the collector reports after reading these lines of tap's output. */
const collect = (lines: string[]): string[] => {
  const failures = failureCollector()
  for (const line of lines) failures.line(line)
  return failures.report()
}

t.test('a failing assertion is named with the subtests above it and what was found and wanted', async (t) => {
  const report = collect([
    '# Subtest: test/a.ts',
    '    # Subtest: outer',
    '        # Subtest: inner',
    '            ok 1 - fine',
    '            not ok 2 - one is two',
    '              ---',
    '              found: 1',
    '              wanted: 2',
    '              stack: |',
    '                somewhere',
    '              at:',
    '                fileName: test/a.ts',
    '                lineNumber: 9',
    '              ...',
    '            1..2',
    '        not ok 1 - inner # time=3ms',
    '        1..1',
    '    not ok 1 - outer # time=4ms',
    'not ok 1 - test/a.ts # time=9ms',
    '# Subtest: test/b.ts',
    '    ok 1 - passes',
    'ok 2 - test/b.ts # time=1ms',
  ])
  t.same(report, [
    '  not ok: test/a.ts > outer > inner > one is two',
    '      found: 1',
    '      wanted: 2',
    '      fileName: test/a.ts',
    '      lineNumber: 9',
  ])
})

t.test('a failing subtest with no failing assertion of its own (a timeout) is named', async (t) => {
  const report = collect([
    '# Subtest: test/slow.ts',
    '    # Subtest: waits',
    '        ok 1 - started',
    '        1..1',
    '    not ok 1 - waits # time=30000ms',
    '      ---',
    '      message: timeout!',
    '      ...',
    'not ok 1 - test/slow.ts # time=30001ms',
  ])
  t.same(report, ['  not ok: test/slow.ts > waits', '      message: timeout!'])
})

t.test('a passing run reports nothing', async (t) => {
  t.same(collect(['# Subtest: test/a.ts', '    ok 1 - fine', '    1..1', 'ok 1 - test/a.ts']), [])
})

t.test('past 20 failures only their number is told', async (t) => {
  const lines = ['# Subtest: test/many.ts']
  for (let i = 1; i <= 23; i++) lines.push(`    not ok ${i} - failure ${i}`)
  const report = collect(lines)
  t.equal(report.filter((l) => l.startsWith('  not ok: ')).length, 20)
  t.equal(report.at(-1), '  and 3 more')
})
