#!/usr/bin/env node
'use strict';
// `npm test`: install what is missing, build, type-check, then run all three layers (unit,
// integration in the real extension host, e2e in a real browser) and print one total line.
const { prepare, runCompiled } = require('./bootstrap');

prepare();
runCompiled('runAll', process.argv.slice(2));
