#!/usr/bin/env node
// The `seqlab` command line: the same engine and trainer as the extension, headless.
const version = '0.1.0';
process.stdout.write(`seqlab ${version}\n`);
