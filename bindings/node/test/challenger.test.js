'use strict';
// Challenger rule sets from Node (issue 19), against the CLI on
// `layer-risk gen --count 3000 --seed 5 --applicants 0.2 --corrupt 0.01`: a shadow scorer
// prints `score --shadow`'s bytes, its live part is the plain record and its shadow the
// challenger's own decision; decision ids agree across every way in; a staged rollout is
// the CLI's and keeps each user in one arm.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');

const { Scorer, ParseError, RulesError } = require('..');
const { cli, REPO_ROOT, splitLines } = require('./cli.js');

const AS_OF = '2026-11-22';
const GEN = ['gen', '--count', '3000', '--seed', '5', '--applicants', '0.2', '--corrupt', '0.01'];
const DEFAULT = path.join(REPO_ROOT, 'rules', 'default.json');
const LENDING = path.join(REPO_ROOT, 'rules', 'lending.json');
const PAYMENTS = path.join(REPO_ROOT, 'rules', 'payments.json');

/** CLI records by line number, parsed. */
function byLine(records) {
  return new Map(splitLines(records).map((r) => {
    const rec = JSON.parse(r.toString());
    return [rec.line, rec];
  }));
}

const withoutLine = (r) => r.toString().replace(/^\{"line":\d+,/, '{');

test('challengers against the CLI', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'layer-risk-node-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const exportPath = path.join(dir, 'export.jsonl');
  cli([...GEN, '--out', exportPath]);
  const data = fs.readFileSync(exportPath);
  const score = (...args) => cli(['score', '--as-of', AS_OF, '--jobs', '1', ...args, exportPath], { ok: [1] });
  const live = score();
  const lending = score('--rules', LENDING);
  const shadowed = score('--shadow', LENDING);
  const lines = splitLines(data);
  assert.equal(lines.length, 3000);

  const scorer = new Scorer({ asOf: AS_OF, shadow: LENDING });

  await t.test('(a) scoreJsonl with a shadow is `score --shadow`, byte for byte', () => {
    assert.ok(scorer.scoreJsonl(data).equals(shadowed));
    // The same scorer assembled from two.
    const built = new Scorer({ asOf: AS_OF }).withShadow(new Scorer({ rules: LENDING, asOf: AS_OF }));
    assert.ok(built.scoreJsonl(data).equals(shadowed));
    assert.deepEqual(built.shadowRules, scorer.shadowRules);
    assert.equal(scorer.shadowRules.name, 'lending');
    assert.ok(Object.isFrozen(scorer.shadowRules));
    assert.equal(scorer.rolloutShare, null);
    // Without the challenger: the plain records.
    const plain = scorer.withoutChallenger();
    assert.equal(plain.shadowRules, null);
    assert.ok(plain.scoreJsonl(data).equals(live));
  });

  await t.test('(a) the live part is the plain record, the shadow the challenger\'s decision', () => {
    const s = byLine(shadowed);
    const l = byLine(live);
    const o = byLine(lending);
    let decided = 0;
    let differ = 0;
    for (const [n, rec] of s) {
      if (rec.error) {
        assert.deepEqual(rec, l.get(n), `line ${n}: the live rules' error record, no shadow`);
        continue;
      }
      const { shadow, ...rest } = rec;
      assert.deepEqual(rest, l.get(n), `line ${n}`);
      const other = o.get(n);
      assert.deepEqual(shadow, {
        decision_id: other.decision_id,
        decision: other.decision,
        score: other.score,
        reasons: other.reasons.map((r) => r.rule_id),
        rules: other.rules,
      }, `line ${n}`);
      decided++;
      if (shadow.decision !== rec.decision) differ++;
    }
    assert.ok(decided > 2900, `${decided}`);
    assert.ok(differ > 20, `the rule sets disagree on only ${differ} lines`);
  });

  await t.test('(a) scoreLines and assess carry the shadow', () => {
    const records = splitLines(shadowed);
    const got = scorer.scoreLines(lines);
    assert.deepEqual(got.filter((r) => r !== null), records.map(withoutLine));
    for (let i = 0; i < 400; i++) {
      const { line, ...want } = JSON.parse(records[i].toString());
      if (want.error) {
        assert.throws(() => scorer.assess(lines[line - 1]), ParseError);
      } else {
        assert.deepEqual(scorer.assess(lines[line - 1]), want, `line ${line}`);
      }
    }
  });

  await t.test('(b) decision ids agree across scoreJsonl, gzip, scoreLines, assess and the CLI', () => {
    const want = new Map([...byLine(live)].map(([n, r]) => [n, r.decision_id]));
    assert.equal(new Set(want.values()).size, want.size, 'one id per distinct line');
    for (const id of want.values()) assert.match(id, /^[0-9a-f]{32}$/);
    const plain = new Scorer({ asOf: AS_OF });
    const ids = (out) => new Map([...byLine(out)].map(([n, r]) => [n, r.decision_id]));
    assert.deepEqual(ids(plain.scoreJsonl(data)), want);
    const half = data.indexOf(0x0a, data.length >> 1) + 1;
    const gz = Buffer.concat([zlib.gzipSync(data.subarray(0, half)), zlib.gzipSync(data.subarray(half))]);
    assert.deepEqual(ids(plain.scoreJsonl(gz)), want);
    const fromLines = new Map();
    plain.scoreLines(lines).forEach((r, i) => r !== null && fromLines.set(i + 1, JSON.parse(r).decision_id));
    assert.deepEqual(fromLines, want);
    const l = byLine(live);
    for (let n = 1; n < 300; n++) {
      if (!l.get(n).error) assert.equal(plain.assess(lines[n - 1]).decision_id, want.get(n), `line ${n}`);
      // The line as a string: the same bytes when it is UTF-8, the same id.
      const text = lines[n - 1].toString();
      if (!l.get(n).error && Buffer.from(text).equals(lines[n - 1])) {
        assert.equal(plain.assess(text).decision_id, want.get(n));
      }
    }
    // Another rule set, another id for every line: the CLI's under it.
    const other = ids(lending);
    assert.deepEqual(ids(new Scorer({ rules: LENDING, asOf: AS_OF }).scoreJsonl(data)), other);
    for (const [n, id] of want) assert.notEqual(other.get(n), id, `line ${n}`);
    // Another date, another id.
    assert.notEqual(JSON.parse(plain.withAsOf('2026-11-23').scoreLines([lines[0]])[0]).decision_id, want.get(1));
  });

  // (e) staged rollout on the export, keyed per user.
  const keyedPath = path.join(dir, 'keyed.jsonl');
  const keys = [];
  const keyed = lines.map((raw, i) => {
    let doc;
    try {
      doc = JSON.parse(raw.toString('utf8'));
    } catch {
      keys.push(null);
      return raw;
    }
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
      keys.push(null);
      return raw;
    }
    const line = 'session' in doc ? doc : { session: doc };
    line.rollout_key = `user-${i % 500}`;
    keys.push(line.rollout_key);
    return Buffer.from(JSON.stringify(line));
  });
  fs.writeFileSync(keyedPath, Buffer.concat(keyed.flatMap((l) => [l, Buffer.from('\n')])));
  const keyedData = fs.readFileSync(keyedPath);

  await t.test('(e) a rollout is the CLI\'s and keeps each user in one arm', () => {
    const want = cli(['score', '--as-of', AS_OF, '--jobs', '1', '--rollout', PAYMENTS, '--rollout-share', '0.3', keyedPath], { ok: [1] });
    const s = new Scorer({ asOf: AS_OF, rollout: PAYMENTS, rolloutShare: 0.3 });
    assert.equal(s.rolloutShare, 0.3);
    assert.equal(s.shadowRules.name, 'payments');
    assert.ok(s.scoreJsonl(keyedData).equals(want));
    const built = new Scorer({ asOf: AS_OF }).withRollout(new Scorer({ rules: PAYMENTS, asOf: AS_OF }), 0.3);
    assert.ok(built.scoreJsonl(keyedData).equals(want));

    const arms = new Map();
    let decided = 0;
    for (const rec of byLine(want).values()) {
      if (rec.error) continue;
      const key = keys[rec.line - 1];
      assert.ok(key, `line ${rec.line} has a key`);
      if (!arms.has(key)) arms.set(key, new Set());
      arms.get(key).add(rec.arm);
      const [liveName, other] = rec.arm === 'challenger' ? ['payments', 'default'] : ['default', 'payments'];
      assert.deepEqual([rec.rules.name, rec.shadow.rules.name], [liveName, other]);
      decided++;
    }
    assert.ok(decided > 2900);
    for (const [key, a] of arms) assert.equal(a.size, 1, `${key} in two arms`);
    const challenger = [...arms].filter(([, a]) => a.has('challenger')).map(([k]) => k);
    const share = challenger.length / arms.size;
    assert.ok(share > 0.2 && share < 0.4, `${share}`);

    // assess with the key beside the body puts the user in the same arm.
    const body = '{"identity": null, "request_id": "r1"}';
    for (const [key, a] of [...arms].slice(0, 100)) {
      assert.equal(s.assess(body, null, { rolloutKey: key }).arm, [...a][0]);
    }
    assert.equal(s.assess(body).arm, 'control', 'no key: the live rules');
    // Raising the share only moves users into the challenger.
    const wider = new Scorer({ asOf: AS_OF }).withRollout(new Scorer({ rules: PAYMENTS, asOf: AS_OF }), 0.6);
    const widerChallenger = [...arms.keys()].filter((k) => wider.assess(body, null, { rolloutKey: k }).arm === 'challenger');
    for (const k of challenger) assert.ok(widerChallenger.includes(k), k);
    assert.ok(widerChallenger.length > challenger.length);
  });

  await t.test('(e) share 0 is all control, share 1 all challenger', () => {
    for (const [share, arm, rules] of [[0, 'control', 'default'], [1, 'challenger', 'payments']]) {
      const s = new Scorer({ asOf: AS_OF, rollout: PAYMENTS, rolloutShare: share });
      const decided = [...byLine(s.scoreJsonl(keyedData)).values()].filter((r) => !r.error);
      assert.ok(decided.length > 2900);
      assert.deepEqual([...new Set(decided.map((r) => r.arm))], [arm]);
      assert.deepEqual([...new Set(decided.map((r) => r.rules.name))], [rules]);
      for (const key of ['user-1', 'user-2', 'someone-else']) {
        assert.equal(s.assess('{"identity": null}', null, { rolloutKey: key }).arm, arm);
      }
    }
  });
});

test('challenger options and arguments are checked', () => {
  const typeError = (code) => (e) => e instanceof TypeError && e.code === code;
  const rangeError = (e) => e instanceof RangeError && e.code === 'ERR_OUT_OF_RANGE';
  assert.throws(() => new Scorer({ asOf: AS_OF, shadow: LENDING, rollout: PAYMENTS, rolloutShare: 0.5 }), typeError('ERR_INVALID_ARG_VALUE'));
  assert.throws(() => new Scorer({ asOf: AS_OF, rollout: PAYMENTS }), typeError('ERR_INVALID_ARG_VALUE'));
  assert.throws(() => new Scorer({ asOf: AS_OF, shadow: LENDING, rolloutShare: 0.5 }), typeError('ERR_INVALID_ARG_VALUE'));
  assert.throws(() => new Scorer({ asOf: AS_OF, shadow: 7 }), typeError('ERR_INVALID_ARG_TYPE'));
  assert.throws(() => new Scorer({ asOf: AS_OF, rollout: PAYMENTS, rolloutShare: '0.5' }), typeError('ERR_INVALID_ARG_TYPE'));
  for (const bad of [-0.1, 1.5, NaN, Infinity]) {
    assert.throws(() => new Scorer({ asOf: AS_OF, rollout: PAYMENTS, rolloutShare: bad }), rangeError, String(bad));
    assert.throws(() => new Scorer({ asOf: AS_OF }).withRollout(new Scorer({ asOf: AS_OF }), bad), rangeError);
  }
  const s = new Scorer({ asOf: AS_OF });
  assert.throws(() => s.withShadow(LENDING), typeError('ERR_INVALID_ARG_TYPE'));
  assert.throws(() => s.withShadow({}), typeError('ERR_INVALID_ARG_TYPE'));
  assert.throws(() => s.withRollout(s), typeError('ERR_INVALID_ARG_TYPE'));
  assert.throws(() => s.withAsOf('tomorrow'), typeError('ERR_INVALID_ARG_VALUE'));
  assert.equal(s.withAsOf(new Date('2026-11-23')).asOf, '2026-11-23');
  assert.equal(s.asOf, AS_OF, 'immutable: each with* makes a new scorer');

  // A broken challenger file: located RulesError, in both modes.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'layer-risk-node-'));
  try {
    const text = fs.readFileSync(LENDING, 'utf8');
    const typo = path.join(dir, 'typo.json');
    fs.writeFileSync(typo, text.replace('"tiers"', '"teirs"'));
    const line = text.slice(0, text.indexOf('"tiers"')).split('\n').length;
    for (const opts of [{ shadow: typo }, { rollout: typo, rolloutShare: 0.5 }]) {
      assert.throws(
        () => new Scorer({ asOf: AS_OF, ...opts }),
        (e) => e instanceof RulesError && e.code === 'schema' && e.line === line && e.path === 'teirs' &&
          e.message.startsWith(`${typo}:${line}:`),
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('inspect shows the challenger', () => {
  const util = require('node:util');
  const s = new Scorer({ asOf: AS_OF, rules: DEFAULT, rollout: PAYMENTS, rolloutShare: 0.25 });
  const v = s.rules.version;
  assert.equal(
    util.inspect(s),
    `Scorer { rules: 'default@${v}', rollout: 'payments@${s.shadowRules.version}', rolloutShare: 0.25, asOf: '${AS_OF}' }`,
  );
  const sh = new Scorer({ asOf: AS_OF, shadow: LENDING });
  assert.equal(util.inspect(sh), `Scorer { rules: 'default@${v}', shadow: 'lending@${sh.shadowRules.version}', asOf: '${AS_OF}' }`);
  assert.equal(util.inspect(sh.withoutChallenger()), `Scorer { rules: 'default@${v}', asOf: '${AS_OF}' }`);
});
