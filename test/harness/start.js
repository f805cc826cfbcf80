#!/usr/bin/env node
'use strict';
// `npm start`: install what is missing, build, and open SeqLab on the demo workspace in a real VS Code.
const { prepare, runCompiled } = require('./bootstrap');

prepare();
runCompiled('startDemo', process.argv.slice(2));
