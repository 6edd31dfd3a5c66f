'use strict';
// Linkage across sessions from Node: the SQLite store records sessions and returns their
// history, the scorer prices it, and the store's file holds no identity value.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { Scorer, SqliteLinkStore, LinkError, ParseError } = require('..');

const SECRET = 'node-link-test-secret-0123456789abcdef\n';
const body = (first) =>
  JSON.stringify({
    identity: {
      name: { first_name: first, last_name: 'Knope' },
      date_of_birth: '1975-01-18',
      ssn: '524781963',
    },
    items: [{}],
    request_id: 'r1',
  });

test('the SQLite store gives the history the scorer prices', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'layer-risk-link-'));
  try {
    const file = path.join(dir, 'link.sqlite');
    const store = new SqliteLinkStore(file, SECRET);
    assert.match(store.keyId, /^[0-9a-f]{8}$/);
    const first = store.observe(body('Leslie'), { at: 1795000000 });
    assert.deepEqual(first.ssn_other_names, { '1d': 0, '30d': 0, '365d': 0, all_time: 0 });
    assert.equal(first.ssn_first_seen_days, undefined);
    const second = store.observe(body('Ann'), { at: 1795000060 });
    assert.equal(second.ssn_other_names['30d'], 1);
    const scorer = new Scorer({ asOf: '2026-11-22' });
    const d = scorer.assess(body('Ann'), null, { link: second });
    const r = d.reasons.find((x) => x.code === 'link_rule');
    assert.deepEqual([r.rule_id, r.signal, r.window, r.observed], ['ssn-other-name-30d', 'ssn_other_names', '30d', 1]);
    assert.equal(d.decision, 'identity_verification');
    // Line by line, with one history per line.
    const recs = scorer.scoreLines([body('Ann'), '  ', '{'], [second, null, second]);
    assert.deepEqual(JSON.parse(recs[0]), d);
    assert.equal(recs[1], null);
    assert.match(recs[2], /"truncated"/);
    assert.throws(() => scorer.scoreLines([body('Ann')], [null, null]), TypeError);
    assert.throws(() => scorer.assess(body('Ann'), null, { link: { ssn_other_name: {} } }), TypeError);
    assert.throws(() => scorer.assess(body('Ann'), null, { lnk: {} }), TypeError);
    assert.ok(store.erase(body('Ann')) > 0);
    assert.throws(() => store.observe(body('Ann')), TypeError);
    assert.throws(() => store.observe('{', { at: 0 }), ParseError);
    const data = fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f)).toString('latin1')).join('');
    for (const value of ['524781963', 'Knope', 'knope', '1975-01-18', '19750118', 'Leslie']) {
      assert.ok(!data.includes(value), 'the store holds an identity value');
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a short secret is a LinkError that does not quote it', () => {
  assert.throws(
    () => new SqliteLinkStore(path.join(os.tmpdir(), 'never.sqlite'), 'hunter2-swordfish'),
    (e) => e instanceof LinkError && e.message === 'the link secret is 17 bytes long: it must be at least 32 random bytes',
  );
});
