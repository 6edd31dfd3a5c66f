'use strict';
// Plaid's other verdicts given beside the session (`assess(body, applicant, { protect,
// identityMatch, identityVerification, rolloutKey })`): the same decision as the envelope
// line carrying them, apart from the id, on bodies in the shapes Plaid's clients define;
// errors located under `signals.…`, quoting no value.

const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');

const { Scorer, ParseError } = require('..');
const { base, edited, protect, identityMatch, identityMatchOld, idvUser, idv } = require('./plaid.js');
const { REPO_ROOT } = require('./cli.js');

const AS_OF = '2026-11-22';
const SHIPPED = ['default', 'lending', 'payments'];
const scorer = (name) => new Scorer({ rules: path.join(REPO_ROOT, 'rules', `${name}.json`), asOf: AS_OF });

function withoutIds(record) {
  const r = structuredClone(record);
  delete r.decision_id;
  if (r.shadow) delete r.shadow.decision_id;
  return r;
}

/** The decision with the parts beside the body, checked equal to the envelope's. */
function apartAndEnveloped(s, session, parts) {
  const apart = s.assess(JSON.stringify(session), null, parts);
  const signals = {};
  if (parts.protect !== undefined) signals.protect = parts.protect;
  if (parts.identityMatch !== undefined) signals.identity_match = parts.identityMatch;
  if (parts.identityVerification !== undefined) signals.identity_verification = parts.identityVerification;
  const inside = s.assess(JSON.stringify({ session, signals }));
  assert.deepEqual(withoutIds(apart), withoutIds(inside));
  assert.notEqual(apart.decision_id, inside.decision_id, 'the id covers the bytes as given');
  return apart;
}

const ruleIds = (d) => d.reasons.map((r) => r.rule_id);

test('full bodies of a genuine user are trusted under every file', () => {
  for (const name of SHIPPED) {
    const d = apartAndEnveloped(scorer(name), base(), {
      protect: protect(91),
      identityMatch: identityMatch([100, 38], { phone: 100, address: 96 }),
      identityVerification: idv('success', idvUser(), 4, 11),
    });
    assert.equal(d.decision, 'trust', name);
    assert.ok(ruleIds(d).includes('idv_passed'), name);
    assert.ok(d.reasons.every((r) => r.code !== 'signal_rule'), name);
  }
});

test('old API versions and nulls say nothing but what is missing', () => {
  for (const name of SHIPPED) {
    const d = apartAndEnveloped(scorer(name), base(), {
      protect: protect(null),
      identityMatch: identityMatchOld(),
      identityVerification: idv('success', null, null, null),
    });
    const codes = d.reasons.map((r) => r.code);
    // Identity Match ran (so it is not offered again); none of its fields failed.
    assert.deepStrictEqual(codes.filter((c) => c.startsWith('identity_match_')), ['identity_match_ran'], `${name}: ${codes}`);
    assert.ok(codes.includes('protect_score_missing'), name);
    assert.ok(codes.includes('idv_passed'), name);
    assert.ok(d.reasons.every((r) => r.settled_by === undefined), name);
  }
});

test('a passed identity match settles name edits; a failed one is a finding', () => {
  for (const name of SHIPPED) {
    const s = scorer(name);
    assert.notEqual(s.assess(JSON.stringify(edited('name', 3))).decision, 'trust');
    const d = apartAndEnveloped(s, edited('name', 3), { identityMatch: identityMatch([100, 12]) });
    assert.equal(d.decision, 'trust', name);
    const settled = d.reasons.filter((r) => r.settled_by !== undefined);
    assert.ok(settled.length > 0 && settled.every((r) => r.settled_by === 'identity_match' && r.points === 0), name);
    const failed = apartAndEnveloped(s, edited('name', 3), { identityMatch: identityMatch([20, 12]) });
    assert.ok(ruleIds(failed).includes('identity_match_name_failed'), name);
    assert.notEqual(failed.decision, 'trust');
  }
});

test('a successful IDV of another person settles nothing', () => {
  for (const name of SHIPPED) {
    const user = idvUser();
    user.date_of_birth = '1975-01-19';
    const d = apartAndEnveloped(scorer(name), edited('date_of_birth', 1), {
      identityVerification: idv('success', user, 4, 11),
    });
    const mismatch = d.reasons.find((r) => r.rule_id === 'idv_identity_mismatch');
    assert.equal(mismatch && mismatch.observed, 'date_of_birth', name);
    assert.equal(d.decision, 'manual_review', name);
  }
});

test('signal rules say which verdict they read', () => {
  const d = apartAndEnveloped(scorer('default'), base(), {
    protect: protect(3),
    identityVerification: idv('success', idvUser(), 97, 98),
  });
  const signals = new Set(d.reasons.filter((r) => r.code === 'signal_rule').map((r) => r.signal));
  assert.deepEqual([...signals].sort(), ['idv_stolen_identity', 'idv_synthetic_identity', 'protect_trust_index']);
  assert.notEqual(d.decision, 'trust');
});

test('a shadow decides on the same parts', () => {
  const s = new Scorer({ asOf: AS_OF, shadow: path.join(REPO_ROOT, 'rules', 'lending.json') });
  const parts = {
    protect: protect(22),
    identityMatch: identityMatch([40, 55], { phone: 100, email: 12 }),
    identityVerification: idv('pending_review', idvUser(), 81, 3),
  };
  const d = apartAndEnveloped(s, edited('address', 2), parts);
  const lending = scorer('lending').assess(JSON.stringify(edited('address', 2)), null, parts);
  assert.equal(d.shadow.rules.name, 'lending');
  assert.equal(d.shadow.decision, lending.decision);
  assert.equal(d.shadow.decision_id, lending.decision_id);
});

test('parts as objects, strings or Buffers; the applicant still second', () => {
  const s = scorer('default');
  const body = JSON.stringify(edited('name', 3));
  const im = identityMatch([100, 12]);
  const text = JSON.stringify(im);
  const asObject = s.assess(body, null, { identityMatch: im });
  assert.deepEqual(s.assess(body, undefined, { identityMatch: text }), asObject);
  assert.deepEqual(s.assess(Buffer.from(body), null, { identityMatch: Buffer.from(text) }), asObject);
  assert.deepEqual(s.assess(body, null, { identityMatch: new TextEncoder().encode(text) }), asObject);
  const pretty = s.assess(body, null, { identityMatch: JSON.stringify(im, null, 2) });
  assert.deepEqual(withoutIds(pretty), withoutIds(asObject));
  assert.notEqual(pretty.decision_id, asObject.decision_id);
  // null and undefined parts are absent parts; an empty parts object changes nothing.
  assert.deepEqual(s.assess(body, null, { protect: null, identityMatch: undefined }), s.assess(body));
  assert.deepEqual(s.assess(body, null, {}), s.assess(body));
  // The applicant and the parts together; each part is covered by the id.
  const applicant = { name: { full_name: 'Leslie Knope' } };
  const both = s.assess(body, applicant, { identityMatch: im, rolloutKey: 'u1' });
  assert.ok(both.match, 'the applicant was compared');
  assert.notEqual(both.decision_id, s.assess(body, applicant, { identityMatch: im }).decision_id);
});

test('parts are checked: unknown keys, wrong types', () => {
  const s = scorer('default');
  const typeError = (code) => (e) => e instanceof TypeError && e.code === code;
  assert.throws(() => s.assess('{}', null, { identity_match: {} }), typeError('ERR_INVALID_ARG_VALUE'));
  assert.throws(() => s.assess('{}', null, { protcet: {} }), typeError('ERR_INVALID_ARG_VALUE'));
  assert.throws(() => s.assess('{}', null, 'protect'), typeError('ERR_INVALID_ARG_TYPE'));
  assert.throws(() => s.assess('{}', null, [protect(1)]), typeError('ERR_INVALID_ARG_TYPE'));
  assert.throws(() => s.assess('{}', null, { protect: 7 }), typeError('ERR_INVALID_ARG_TYPE'));
  assert.throws(() => s.assess('{}', null, { rolloutKey: 7 }), typeError('ERR_INVALID_ARG_TYPE'));
});

const SECRET = 'Leslie Knope 524781963';

test('errors in a verdict are located under signals and quote nothing', () => {
  const s = scorer('default');
  const badIm = identityMatch([90, 1]);
  badIm.accounts[0].legal_name.score = SECRET;
  const user = idvUser();
  user.date_of_birth = { value: SECRET };
  const badIdv = idv('success', user, 1, 1);
  const cases = [
    ['identityMatch', 'identity_match', badIm, 'signals.identity_match.accounts[0].legal_name.score', 'wrong_type'],
    ['identityVerification', 'identity_verification', badIdv, 'signals.identity_verification.user.date_of_birth', 'wrong_type'],
    // Not an object at all: `not_an_object` given apart (as for an applicant), `wrong_type`
    // inside the envelope; the same path.
    ['protect', 'protect', [SECRET], 'signals.protect', 'not_an_object'],
  ];
  for (const [key, envelopeKey, bad, where, apartCode] of cases) {
    const errors = [];
    for (const given of [bad, JSON.stringify(bad), Buffer.from(JSON.stringify(bad))]) {
      assert.throws(() => s.assess(JSON.stringify(base()), null, { [key]: given }), (e) => {
        assert.ok(e instanceof ParseError);
        assert.equal(e.code, apartCode, key);
        errors.push(e);
        return true;
      });
    }
    assert.throws(() => s.assess(JSON.stringify({ session: base(), signals: { [envelopeKey]: bad } })), (e) => {
      assert.ok(e instanceof ParseError);
      assert.equal(e.code, 'wrong_type');
      errors.push(e);
      return true;
    });
    for (const e of errors) {
      assert.equal(e.path, where, key);
      for (const text of [e.message, e.stack, String(e.path)]) {
        for (const secret of ['Leslie', 'Knope', '524781963']) assert.ok(!text.includes(secret), text);
      }
    }
  }
});

test('a part given twice is ambiguous', () => {
  const s = scorer('default');
  const line = JSON.stringify({ session: base(), signals: { protect: protect(50) } });
  assert.throws(() => s.assess(line, null, { protect: protect(50) }), (e) => e instanceof ParseError && e.code === 'ambiguous_envelope');
  const keyed = JSON.stringify({ session: base(), rollout_key: 'u1' });
  assert.throws(() => s.assess(keyed, null, { rolloutKey: 'u1' }), (e) => e.code === 'ambiguous_envelope');
  assert.ok(s.assess(line, null, { identityMatch: identityMatch([100, 1]) }).decision, 'another part is fine');
});

test('no value of a verdict reaches a record', () => {
  const secrets = ['Leslie', 'Knope', '1975-01-18', '524781963', '203.0.113.77', 'leslie@knope.com', '4157452130',
    'Pawnee', '123 Main', 'D1234567', 'user-5521', 'idv_7Qm2Zr8K', 'BxLp4kQz9w', 'Ed6bjNrD', 'Rb7kQ2xLm9', 'secret-user-key'];
  for (const name of SHIPPED) {
    const s = scorer(name).withShadow(scorer('payments'));
    for (const status of ['success', 'failed', 'pending_review', 'approved_v2']) {
      const user = idvUser();
      if (status === 'failed') user.date_of_birth = '1975-01-19';
      const d = s.assess(JSON.stringify(edited('name', 2)), null, {
        protect: protect(12),
        identityMatch: identityMatch([20, 30], { phone: 15, email: 9, address: 40 }),
        identityVerification: idv(status, user, 90, 95),
        rolloutKey: 'secret-user-key',
      });
      const text = JSON.stringify(d);
      for (const secret of secrets) assert.ok(!text.includes(secret), `${name} ${status}: ${secret}`);
    }
  }
});
