'use strict';
// LiveScorer: rules reloaded while the scorer is in use. Every decision names exactly one
// of the rule sets that were live and is that set's decision; a broken file throws a
// located RulesError and never becomes live; changes keep what they do not change.
//
// What concurrency this tests: the addon is synchronous, so on one JS thread a call runs to
// its end before another starts. The reload test interleaves 3,000+ reloads with three
// assessing loops at every turn of the event loop (async interleaving, not parallel
// threads); the core's own test (tests/it/reload.rs) and the Python binding's swap rules
// under OS threads. The worker_threads test runs the addon in two threads at once, each
// with its own LiveScorer (a JS object cannot be shared between isolates), reloading and
// scoring in parallel.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const util = require('node:util');
const { setImmediate: tick } = require('node:timers/promises');
const { Worker } = require('node:worker_threads');

const { Scorer, LiveScorer, RulesError } = require('..');
const { REPO_ROOT } = require('./cli.js');

const AS_OF = '2026-11-22';
const FILES = ['default', 'lending', 'payments'];

/** A body the three shipped files decide differently (the core's reload test's probe). */
const PROBE = JSON.stringify({
  identity: {
    name: { first_name: 'Leslie', last_name: null },
    address: { street: '123 Main St.', city: 'Pawnee', region: 'IN', postal_code: '46001', country: 'US' },
    phone_number: '+442079460958',
    email: 'leslie@knope.com',
    date_of_birth: '1975-01-18',
    ssn: '524781963',
  },
  items: [{ item_id: 'i1' }],
  request_id: 'probe',
});

function rulesDir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'layer-risk-node-live-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const name of FILES) fs.copyFileSync(path.join(REPO_ROOT, 'rules', `${name}.json`), path.join(dir, `${name}.json`));
  const text = fs.readFileSync(path.join(dir, 'lending.json'), 'utf8');
  fs.writeFileSync(path.join(dir, 'broken.json'), text.replace('"tiers"', '"teirs"'));
  return { dir, brokenLine: text.slice(0, text.indexOf('"tiers"')).split('\n').length };
}

test('thousands of reloads interleaved with three assessing loops', async (t) => {
  const { dir, brokenLine } = rulesDir(t);
  const expect = new Map();
  for (const name of FILES) {
    const d = new Scorer({ rules: path.join(dir, `${name}.json`), asOf: AS_OF }).assess(PROBE);
    expect.set(d.rules.sha256, [name, d.decision, d.score]);
  }
  assert.equal(new Set([...expect.values()].map((e) => e[2])).size, 3, 'the probe tells the files apart');

  const live = new LiveScorer(new Scorer({ asOf: AS_OF }));
  const broken = path.join(dir, 'broken.json');
  const seen = [new Map(), new Map(), new Map()];
  let done = false;
  let reloads = 0;

  const work = async (i) => {
    while (!done) {
      const d = live.assess(PROBE);
      const e = expect.get(d.rules.sha256);
      assert.ok(e, `a rule set that was never loaded: ${d.rules.sha256}`);
      assert.deepEqual([d.rules.name, d.decision, d.score], e);
      seen[i].set(e[0], (seen[i].get(e[0]) || 0) + 1);
      await tick();
    }
  };
  const reload = async () => {
    try {
      while (reloads < 3000 || !seen.every((s) => s.size === 3)) {
        const name = FILES[reloads % 3];
        // The embedded default now and then: reload() without a path.
        const file = name === 'default' && reloads % 2 ? undefined : path.join(dir, `${name}.json`);
        const got = live.reload(file);
        assert.equal(got.name, name);
        assert.deepEqual(got, live.current.rules);
        reloads++;
        assert.throws(() => live.reload(broken), (e) => {
          assert.ok(e instanceof RulesError);
          assert.deepEqual([e.code, e.line, e.path], ['schema', brokenLine, 'teirs']);
          assert.ok(e.message.startsWith(`${broken}:${brokenLine}:${e.column}:`), e.message);
          return true;
        });
        assert.equal(live.current.rules.name, name, 'a broken file became live');
        await tick(); // the assessing loops take their turns
        assert.ok(reloads < 100000, 'the loops did not interleave');
      }
    } finally {
      done = true;
    }
  };
  await Promise.all([reload(), work(0), work(1), work(2)]);
  assert.ok(reloads >= 3000);
  assert.ok(seen.every((s) => s.size === 3), util.inspect(seen));
});

test('changes keep what they do not change', (t) => {
  const { dir } = rulesDir(t);
  const start = new Scorer({ asOf: AS_OF, shadow: path.join(dir, 'lending.json') });
  const live = new LiveScorer(start);
  assert.match(util.inspect(live), /^LiveScorer \{ Scorer \{ rules: 'default@/);
  const body = '{"identity": null, "request_id": "r1"}';

  // reload: new live rules, the same date and shadow.
  const got = live.reload(path.join(dir, 'payments.json'));
  assert.ok(Object.isFrozen(got));
  assert.deepEqual(got, new Scorer({ rules: path.join(dir, 'payments.json'), asOf: AS_OF }).rules);
  let cur = live.current;
  assert.deepEqual([cur.rules.name, cur.shadowRules.name, cur.asOf], ['payments', 'lending', AS_OF]);
  const d = live.assess(body);
  assert.deepEqual([d.rules.name, d.shadow.rules.name], ['payments', 'lending']);
  const fresh = new Scorer({ rules: path.join(dir, 'payments.json'), asOf: AS_OF, shadow: path.join(dir, 'lending.json') });
  assert.ok(live.scoreJsonl(body).equals(fresh.scoreJsonl(body)), 'the same as a scorer built afresh');
  assert.deepEqual(live.scoreLines([body, '', null]), fresh.scoreLines([body, '', null]));

  // setAsOf: a new day, the same rules and shadow.
  live.setAsOf('2026-11-23');
  cur = live.current;
  assert.deepEqual([cur.rules.name, cur.shadowRules.name, cur.asOf], ['payments', 'lending', '2026-11-23']);
  assert.equal(live.assess(body).as_of, '2026-11-23');
  live.setAsOf(new Date('2026-11-24'));
  assert.equal(live.current.asOf, '2026-11-24');
  assert.throws(() => live.setAsOf('tomorrow'), (e) => e instanceof TypeError && e.code === 'ERR_INVALID_ARG_VALUE');
  assert.throws(() => live.setAsOf(new Date('2026-11-24T13:00:00Z')), TypeError);
  assert.equal(live.current.asOf, '2026-11-24');

  // reloadJson: a broken text is refused, located, and not live.
  const text = fs.readFileSync(path.join(dir, 'lending.json'), 'utf8');
  assert.equal(live.reloadJson(text, 'lending@db').name, 'lending');
  assert.throws(
    () => live.reloadJson(text.replace('"tiers"', '"teirs"'), 'lending@db'),
    (e) => e instanceof RulesError && e.code === 'schema' && e.message.startsWith('lending@db:'),
  );
  assert.throws(() => live.reloadJson('{'), (e) => e instanceof RulesError && e.message.startsWith('rulesJson:'));
  assert.equal(live.current.rules.name, 'lending');
  assert.equal(live.reload().name, 'default', 'reload(): the embedded default');
  assert.equal(live.reload(null).name, 'default');

  // replace: anything live; the old scorer comes back.
  const old = live.replace(live.current.withoutChallenger());
  assert.ok(old instanceof Scorer);
  assert.equal(old.shadowRules.name, 'lending');
  assert.equal(live.current.shadowRules, null);
  assert.equal(live.assess(body).shadow, undefined);
  assert.deepEqual([start.rules.name, start.asOf], ['default', AS_OF], 'the scorer it started from never changed');

  // Arguments.
  const typeError = (e) => e instanceof TypeError && e.code === 'ERR_INVALID_ARG_TYPE';
  assert.throws(() => new LiveScorer(), typeError);
  assert.throws(() => new LiveScorer('rules/default.json'), typeError);
  assert.throws(() => live.replace({}), typeError);
  assert.throws(() => live.reload(7), typeError);
  assert.throws(() => live.reloadJson({}), typeError);
  assert.throws(() => live.reload(path.join(dir, 'missing.json')), (e) => e instanceof RulesError && e.code === 'io');
  // A rollout scorer, live: the same arms as the scorer.
  const rollout = new Scorer({ asOf: AS_OF, rollout: path.join(dir, 'payments.json'), rolloutShare: 0.5 });
  live.replace(rollout);
  for (const key of ['u1', 'u2', 'u3', 'u4']) {
    assert.deepEqual(live.assess(body, null, { rolloutKey: key }), rollout.assess(body, null, { rolloutKey: key }));
  }
  assert.equal(live.current.rolloutShare, 0.5);
});

test('worker threads each reload and score in parallel', async (t) => {
  const { dir } = rulesDir(t);
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const path = require('node:path');
    const { Scorer, LiveScorer, RulesError } = require(${JSON.stringify(path.join(__dirname, '..'))});
    const live = new LiveScorer(new Scorer({ asOf: '${AS_OF}' }));
    const seen = {};
    let refused = 0;
    for (let i = 0; i < 600; i++) {
      const name = ['default', 'lending', 'payments'][i % 3];
      live.reload(path.join(workerData.dir, name + '.json'));
      try { live.reload(path.join(workerData.dir, 'broken.json')); } catch (e) { if (e instanceof RulesError) refused++; }
      const d = live.assess(workerData.probe);
      seen[d.rules.sha256] = [d.rules.name, d.decision, d.score];
    }
    parentPort.postMessage({ seen, refused });
  `;
  const run = () => new Promise((resolve, reject) => {
    const w = new Worker(source, { eval: true, workerData: { dir, probe: PROBE } });
    w.once('message', resolve);
    w.once('error', reject);
  });
  const results = await Promise.all([run(), run()]);
  const expect = {};
  for (const name of FILES) {
    const d = new Scorer({ rules: path.join(dir, `${name}.json`), asOf: AS_OF }).assess(PROBE);
    expect[d.rules.sha256] = [d.rules.name, d.decision, d.score];
  }
  for (const r of results) {
    assert.deepEqual(r.seen, expect);
    assert.equal(r.refused, 600);
  }
});
