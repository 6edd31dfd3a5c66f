'use strict';
// The core's CLI (`layer-risk`), for comparing the binding with it byte for byte.
//
// LAYER_RISK_CLI=/path/to/layer-risk uses that binary as is. Otherwise the binary is
// brought up to date with `cargo build --release --locked --bin layer-risk` at the repo root
// (a no-op when it is fresh; a few minutes on a cold checkout), and its path is taken from
// cargo's own report, so CARGO_TARGET_DIR is honoured.

const { spawnSync } = require('node:child_process');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

let cached;

function cliPath() {
  if (cached) return cached;
  if (process.env.LAYER_RISK_CLI) {
    cached = process.env.LAYER_RISK_CLI;
    return cached;
  }
  process.stderr.write('test: cargo build --release --locked --bin layer-risk (the CLI to compare with)\n');
  const r = spawnSync(
    'cargo',
    ['build', '--release', '--locked', '--bin', 'layer-risk', '--message-format=json-render-diagnostics'],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 256 << 20 },
  );
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`cargo build of the layer-risk CLI failed (exit ${r.status})`);
  for (const line of r.stdout.toString().split('\n')) {
    if (!line.startsWith('{')) continue;
    const msg = JSON.parse(line);
    if (msg.reason === 'compiler-artifact' && msg.target.name === 'layer-risk' && msg.executable) {
      cached = msg.executable;
    }
  }
  if (!cached) throw new Error('cargo build did not report the layer-risk executable');
  return cached;
}

/** Run the CLI; its stdout as a Buffer. `ok` lists the exit codes that count as success. */
function cli(args, { ok = [0] } = {}) {
  const r = spawnSync(cliPath(), args, {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 1 << 30,
  });
  if (r.error) throw r.error;
  if (!ok.includes(r.status)) {
    throw new Error(`layer-risk ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  }
  return r.stdout;
}

/** The input's lines as Buffers (no newline), numbered from 1 like the CLI numbers them. */
function splitLines(data) {
  const lines = [];
  let start = 0;
  for (let i = data.indexOf(10); i !== -1; i = data.indexOf(10, start)) {
    lines.push(data.subarray(start, i));
    start = i + 1;
  }
  if (start < data.length) lines.push(data.subarray(start));
  return lines;
}

module.exports = { REPO_ROOT, cliPath, cli, splitLines };
