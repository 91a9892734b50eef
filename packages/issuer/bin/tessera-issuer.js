#!/usr/bin/env node
// The `tessera-issuer` command. A committed launcher rather than a bin entry
// pointing into dist/: npm links a workspace's bins before `prepare` builds
// dist/, and it skips a bin whose file does not exist yet.
import '../dist/bin.js'
