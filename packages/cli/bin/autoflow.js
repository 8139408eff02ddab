#!/usr/bin/env node
// The `autoflow` command: runs the TypeScript CLI through tsx, so the workspace needs no build step.
require('tsx/cjs');
require('../src/bin.ts');
