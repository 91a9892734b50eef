// dependency-cruiser: the issuer's floors (DESIGN.md, "Layout of the
// issuer, and the import rule") and no cycles in either package. Run by
// `npm run lint`; a violation fails it.
//
// Floors of packages/issuer/src, imports only go down:
//   1 domain/                                   imports nothing of the issuer
//   2 store/, keys/, credentials/, config.ts (and config/)
//   3 core/
//   4 oauth/                                    the protocol, framework-free
//   5 pages/, mail/
//   6 http/                                     Fastify only
//   7 server/, cli/                             cli reaches server only through server/index.ts
//   - index.ts, bin.ts                          the package's entry points: anything
// A folder reaches a sibling on its own floor only through the sibling's
// index.ts (store/, keys/ and credentials/ do not import one another's
// insides; neither do pages/ and mail/).
//
// no-circular counts a cycle only where every import on it is there at run
// time: an `import type` cycle (verify's errors.ts and render.ts) is erased
// by the compiler and changes no module's order of evaluation.
const SRC = '^packages/issuer/src/'
// config.ts and its helpers in config/ are one floor-2 unit.
const CONFIG = 'config(\\.ts|/.*)$'
// store/ has no index.ts of its own: its face to its siblings is the
// interfaces, store/types/index.ts (an index.ts at store/ would count too).
const STORE_FACE = 'store/(types/)?index\\.ts$'

/** What each folder may import of the issuer besides itself. */
const floors = [
  { from: 'domain', allowed: [] },
  { from: CONFIG, allowed: ['domain/'] },
  { from: 'store', allowed: ['domain/', CONFIG, '(keys|credentials)/index\\.ts$'] },
  { from: 'keys', allowed: ['domain/', CONFIG, STORE_FACE, 'credentials/index\\.ts$'] },
  { from: 'credentials', allowed: ['domain/', CONFIG, STORE_FACE, 'keys/index\\.ts$'] },
  { from: 'core', allowed: ['domain/', CONFIG, 'store/', 'keys/', 'credentials/'] },
  { from: 'oauth', allowed: ['domain/', CONFIG, 'store/', 'keys/', 'credentials/', 'core/'] },
  { from: 'pages', allowed: ['domain/', CONFIG, 'store/', 'keys/', 'credentials/', 'core/', 'oauth/', 'mail/index\\.ts$'] },
  { from: 'mail', allowed: ['domain/', CONFIG, 'store/', 'keys/', 'credentials/', 'core/', 'oauth/', 'pages/index\\.ts$'] },
  { from: 'http', allowed: ['domain/', CONFIG, 'store/', 'keys/', 'credentials/', 'core/', 'oauth/', 'pages/', 'mail/'] },
  { from: 'server', allowed: ['domain/', CONFIG, 'store/', 'keys/', 'credentials/', 'core/', 'oauth/', 'pages/', 'mail/', 'http/'] },
  { from: 'cli', allowed: ['domain/', CONFIG, 'store/', 'keys/', 'credentials/', 'core/', 'oauth/', 'pages/', 'mail/', 'http/', 'server/index\\.ts$'] },
]

const folder = (from) => (from.endsWith('$') ? `${SRC}${from}` : `${SRC}${from}/`)

module.exports = {
  forbidden: [
    ...floors.map(({ from, allowed }) => ({
      name: `floor-${from.replace(/\W.*$/, '')}`,
      comment: `${from.replace(/\\|\$/g, '')}: imports only itself and ${allowed.length > 0 ? allowed.map((a) => a.replace(/\\|\$/g, '')).join(', ') : 'nothing else'} of the issuer (DESIGN.md, "Layout of the issuer, and the import rule")`,
      severity: 'error',
      from: { path: folder(from) },
      to: {
        path: SRC,
        pathNot: [folder(from), ...allowed.map((a) => `${SRC}${a}`)],
      },
    })),
    {
      name: 'floor-unknown-folder',
      comment: 'a file of packages/issuer/src outside the known floors: give it a floor here (and in DESIGN.md) first',
      severity: 'error',
      from: {
        path: SRC,
        pathNot: [...floors.map(({ from }) => folder(from)), `${SRC}(index|bin)\\.ts$`],
      },
      to: { path: SRC },
    },
    {
      name: 'no-circular',
      comment: 'a cycle of imports: one of the modules belongs lower, or the shared part into a module of its own',
      severity: 'error',
      from: { path: '^packages/(issuer|verify)/src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'an import that does not resolve to a file or a package',
      severity: 'error',
      from: { path: '^packages/(issuer|verify)/src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsPreCompilationDeps: true,
  },
}
