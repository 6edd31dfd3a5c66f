'use strict';
// npm run bench: the binding against the core's CLI, and the cost of one assess() call
// beyond the core's own work.
//
// (a) scoreJsonl on a generated export of LINES lines (default 200000) against
//     `layer-risk score --as-of D --jobs 1 FILE > /dev/null`, timed as its own process;
// (b) assess(body) per call against the core's cost for the same line (scoreJsonl of N
//     copies of it, divided by N), and scoreLines([body]) per call; the cost of a shadow
//     (rules/lending.json beside the default rules) and of calling through a LiveScorer.
//
// Environment: LINES (export size), RUNS (repetitions, best is reported), LAYER_RISK_CLI
// (a prebuilt CLI; otherwise cargo builds it, see test/cli.js). Run nothing else meanwhile.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const { Scorer, LiveScorer } = require('..');
const { cli, cliPath } = require('../test/cli.js');

const AS_OF = '2026-11-22';
const LINES = Number(process.env.LINES || 200000);
const RUNS = Number(process.env.RUNS || 5);

function seconds(fn) {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** Best and median of `runs` timings, in seconds. */
function timeRuns(runs, fn) {
  const ts = [];
  for (let i = 0; i < runs; i++) ts.push(seconds(fn));
  ts.sort((a, b) => a - b);
  return { best: ts[0], median: ts[Math.floor(ts.length / 2)] };
}

/** Best time of each case over `runs` rounds, the cases taking turns so drift hits all. */
function roundRobin(runs, cases) {
  const best = {};
  for (let i = 0; i < runs; i++) {
    for (const [name, fn] of Object.entries(cases)) {
      const s = seconds(fn);
      if (!(best[name] <= s)) best[name] = s;
    }
  }
  return Object.fromEntries(Object.entries(best).map(([k, v]) => [k, { best: v }]));
}

function signed(ratio) {
  return `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(1)}%`;
}

function fmtRate(lines, s) {
  return `${Math.round(lines / s).toLocaleString('en-US')} lines/s`;
}

function main() {
  const cpus = os.cpus();
  console.log(
    `machine: ${cpus.length} vCPU (${cpus[0] ? cpus[0].model.trim() : 'unknown'}), ` +
      `${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()}-${os.arch()}`,
  );
  const exe = cliPath();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'layer-risk-bench-'));
  try {
    const file = path.join(dir, 'export.jsonl');
    const gen = ['gen', '--count', String(LINES), '--seed', '7', '--corrupt', '0.01', '--applicants', '0.3', '--out', file];
    cli(gen);
    const data = fs.readFileSync(file);
    console.log(`export: layer-risk ${gen.slice(0, -2).join(' ')} -> ${LINES} lines, ${(data.length / 2 ** 20).toFixed(1)} MiB`);

    // (a) Throughput.
    const scorer = new Scorer({ asOf: AS_OF });
    const devnull = fs.openSync(os.devNull, 'w');
    const args = ['score', '--as-of', AS_OF, '--jobs', '1', file];
    const runCli = () => {
      const r = spawnSync(exe, args, { stdio: ['ignore', devnull, 'ignore'] });
      if (r.error) throw r.error;
      if (r.status !== 0 && r.status !== 1) throw new Error(`layer-risk score: exit ${r.status}`);
    };
    runCli(); // warm the page cache and the binary
    scorer.scoreJsonl(data.subarray(0, 1 << 20)); // warm the addon (lazy tables)
    const c = timeRuns(RUNS, runCli);
    // The CLI's fixed cost (process start, lazy tables), from a one-line file.
    const one = path.join(dir, 'one.jsonl');
    fs.writeFileSync(one, data.subarray(0, data.indexOf(10) + 1));
    const fixed = timeRuns(RUNS, () => {
      const r = spawnSync(exe, ['score', '--as-of', AS_OF, '--jobs', '1', one], { stdio: ['ignore', devnull, 'ignore'] });
      if (r.error) throw r.error;
    });
    const b = timeRuns(RUNS, () => scorer.scoreJsonl(data));
    // Like the CLI, reading the file inside the timing.
    const r = timeRuns(RUNS, () => scorer.scoreJsonl(fs.readFileSync(file)));
    fs.closeSync(devnull);
    console.log(`\n(a) ${LINES} lines, best of ${RUNS} (median in brackets)`);
    console.log(`  CLI   layer-risk ${args.slice(0, -1).join(' ')} FILE > /dev/null: ${c.best.toFixed(3)} s [${c.median.toFixed(3)}]  ${fmtRate(LINES, c.best)}`);
    console.log(`  node  scorer.scoreJsonl(buffer):                          ${b.best.toFixed(3)} s [${b.median.toFixed(3)}]  ${fmtRate(LINES, b.best)}`);
    console.log(`  node  scorer.scoreJsonl(fs.readFileSync(FILE)):           ${r.best.toFixed(3)} s [${r.median.toFixed(3)}]  ${fmtRate(LINES, r.best)}`);
    const marginal = c.best - fixed.best;
    console.log(`  CLI on a one-line file (its fixed cost: process start, tables): ${fixed.best.toFixed(3)} s`);
    for (const [what, t] of [['scoreJsonl(buffer)', b], ['readFileSync + scoreJsonl', r]]) {
      const ratio = t.best / c.best;
      const ratioM = t.best / marginal;
      console.log(
        `  ${what} / CLI time: ${ratio.toFixed(3)} (${signed(ratio)}; target: at most +10%); ` +
          `/ CLI time less its fixed cost: ${ratioM.toFixed(3)} (${signed(ratioM)})`,
      );
    }

    // (b) Per-call overhead, on an ordinary decided line (no applicant) and on an envelope.
    const lines = data.toString('latin1').split('\n');
    const pick = (pred) => lines.find((l) => {
      try {
        return pred(JSON.parse(l));
      } catch {
        return false;
      }
    });
    const bare = pick((v) => v.identity && v.request_id && !v.session);
    const envelope = pick((v) => v.session && v.applicant);
    console.log(`\n(b) per call, microseconds (best of ${RUNS})`);
    for (const [label, line] of [['bare response', bare], ['envelope with applicant', envelope]]) {
      const n = 20000;
      const body = Buffer.from(line, 'latin1').toString(); // the line is ASCII JSON
      const bodyBuf = Buffer.from(body);
      const batch = Buffer.from(`${body}\n`.repeat(n));
      const us = (t) => (t.best * 1e6) / n;
      const show = (t, base) => {
        const d = us(t) - us(base);
        return `${us(t).toFixed(2)}  (${d >= 0 ? '+' : ''}${d.toFixed(2)} over the core)`;
      };
      // Warm-up.
      for (let i = 0; i < 2000; i++) scorer.assess(body);
      scorer.scoreJsonl(batch);
      const one = [body];
      const record = scorer.scoreLines(one)[0];
      const cases = {
        parse: () => {
          for (let i = 0; i < n; i++) JSON.parse(record);
        },
        core: () => scorer.scoreJsonl(batch),
        scoreLines: () => {
          for (let i = 0; i < n; i++) scorer.scoreLines(one);
        },
        assessString: () => {
          for (let i = 0; i < n; i++) scorer.assess(body);
        },
        assessBuffer: () => {
          for (let i = 0; i < n; i++) scorer.assess(bodyBuf);
        },
      };
      const shadowed = new Scorer({ asOf: AS_OF, shadow: path.join(__dirname, '..', '..', '..', 'rules', 'lending.json') });
      const live = new LiveScorer(scorer);
      for (let i = 0; i < 2000; i++) shadowed.assess(body);
      cases.assessShadow = () => {
        for (let i = 0; i < n; i++) shadowed.assess(body);
      };
      cases.assessLive = () => {
        for (let i = 0; i < n; i++) live.assess(body);
      };
      const parsed = JSON.parse(body);
      if (parsed.session) {
        const s = JSON.stringify(parsed.session);
        cases.assessApplicant = () => {
          for (let i = 0; i < n; i++) scorer.assess(s, parsed.applicant);
        };
      }
      const t = roundRobin(RUNS, cases);
      console.log(`  ${label} (${bodyBuf.length} bytes):`);
      console.log(`    core (scoreJsonl of ${n} copies / ${n}): ${us(t.core).toFixed(2)}`);
      console.log(`    scoreLines([body]) per call:            ${show(t.scoreLines, t.core)}`);
      console.log(`    assess(string) per call:                ${show(t.assessString, t.core)}`);
      console.log(`    assess(Buffer) per call:                ${show(t.assessBuffer, t.core)}`);
      console.log(`    of which JSON.parse of the record:       ${us(t.parse).toFixed(2)}  (${record.length} bytes)`);
      const over = (t, base, what) => {
        const d = us(t) - us(base);
        return `${us(t).toFixed(2)}  (${d >= 0 ? '+' : ''}${d.toFixed(2)} over ${what})`;
      };
      console.log(`    assess(string) with a shadow:           ${over(t.assessShadow, t.assessString, 'assess without')}`);
      console.log(`    liveScorer.assess(string):              ${over(t.assessLive, t.assessString, 'scorer.assess')}`);
      if (t.assessApplicant) {
        console.log(`    assess(session, applicantObject):       ${show(t.assessApplicant, t.core)}; JSON.stringify included`);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
