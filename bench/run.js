#!/usr/bin/env node
// Runs the benchmarks in bench/*.bench.js one after another (or those named on the command
// line) against the built apps in dist/. Each prints its own figures.
const { readdirSync } = require('fs');
const { join } = require('path');
const { spawnSync } = require('child_process');

const names = process.argv.slice(2);
const files = readdirSync(__dirname)
  .filter((f) => f.endsWith('.bench.js'))
  .filter((f) => names.length === 0 || names.some((n) => f.startsWith(n)));
let failed = 0;
for (const f of files) {
  process.stdout.write(`\n### ${f}\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', join(__dirname, f)], { stdio: 'inherit', env: process.env });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
