'use strict';
// The API of the Node binding: rules, dates, decisions, errors, argument checks, and that no
// identity value from the input ever reaches an error message.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { Scorer, LayerRiskError, ParseError, RulesError, DEFAULT_MAX_LINE_BYTES } = require('..');

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const LENDING = path.join(REPO_ROOT, 'rules', 'lending.json');
const AS_OF = '2026-11-22';

// A clean response (Plaid's API reference example shape) and what the user typed in.
const BODY = JSON.stringify({
  identity: {
    name: { first_name: 'Leslie', last_name: 'Knope' },
    address: {
      street: '123 Main St.',
      street2: '',
      city: 'Pawnee',
      region: 'IN',
      postal_code: '41006',
      country: 'US',
    },
    email: 'leslie@knope.com',
    phone_number: '+14155550015',
    date_of_birth: '1975-01-18',
    ssn: '987654321',
    ssn_last_4: '4321',
  },
  identity_edit_history: Object.fromEntries(
    ['name', 'address', 'email', 'date_of_birth'].map((k) => [
      k,
      { edits_current: 0, edits_1d: 0, edits_30d: 0, edits_365d: 0, edits_all_time: 0 },
    ]),
  ),
  items: [{ item_id: 'Ed6bjNrDLJfGvZWwnkQlfxwoNz54B5C97ejBr', access_token: 'access-sandbox-x' }],
  request_id: 'm8MDnv9okwxFNBV',
});

function tmpdir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'layer-risk-node-'));
}

test('embedded default rules', () => {
  const s = new Scorer({ asOf: AS_OF });
  assert.equal(s.rules.name, 'default');
  assert.match(s.rules.version, /^\d+\.\d+\.\d+$/);
  assert.match(s.rules.sha256, /^[0-9a-f]{64}$/);
  assert.ok(Object.isFrozen(s.rules));
  assert.equal(s.asOf, AS_OF);

  const d = s.assess(BODY);
  assert.equal(d.request_id, 'm8MDnv9okwxFNBV');
  assert.ok(['trust', 'identity_match', 'identity_verification'].includes(d.decision));
  assert.equal(d.as_of, AS_OF);
  assert.deepEqual(d.rules, { ...s.rules });
  assert.equal(typeof d.score, 'number');
  assert.ok(Array.isArray(d.reasons) && Array.isArray(d.resolution));
  assert.equal(d.line, undefined, 'no line field outside batch');
  assert.equal(d.match, undefined, 'no match report without an applicant');

  // A Buffer and a Uint8Array give the same decision as the string.
  assert.deepEqual(s.assess(Buffer.from(BODY)), d);
  assert.deepEqual(s.assess(new TextEncoder().encode(BODY)), d);

  // No identity at all: step up to IDV, explained.
  const missing = s.assess('{"identity": null, "items": [], "request_id": "r1"}');
  assert.equal(missing.decision, 'identity_verification');
  assert.equal(missing.reasons[0].code, 'identity_missing');
});

test('a rules file, read like the CLI reads --rules', () => {
  const s = new Scorer({ rules: LENDING, asOf: AS_OF });
  assert.equal(s.rules.name, 'lending');
  const fromText = new Scorer({ rulesJson: fs.readFileSync(LENDING, 'utf8'), asOf: AS_OF });
  assert.deepEqual(fromText.rules, s.rules, 'same bytes, same identity');
  assert.notEqual(s.rules.sha256, new Scorer({ asOf: AS_OF }).rules.sha256);
  assert.equal(s.assess(BODY).rules.name, 'lending');
});

test('a broken rules file: RulesError with line and column', () => {
  const dir = tmpdir();
  try {
    const broken = path.join(dir, 'lending-typo.json');
    const text = fs.readFileSync(LENDING, 'utf8');
    assert.ok(text.includes('"tiers"'));
    fs.writeFileSync(broken, text.replace('"tiers"', '"teirs"'));
    const line = text.slice(0, text.indexOf('"tiers"')).split('\n').length;

    assert.throws(
      () => new Scorer({ rules: broken, asOf: AS_OF }),
      (e) => {
        assert.ok(e instanceof RulesError && e instanceof LayerRiskError && e instanceof Error);
        assert.equal(e.name, 'RulesError');
        assert.equal(e.code, 'schema');
        assert.equal(e.line, line);
        assert.equal(e.column, 9, 'at the end of the misspelt key, as serde_json counts');
        assert.equal(e.path, 'teirs');
        assert.ok(e.message.startsWith(`${broken}:${line}:9: `), e.message);
        assert.match(e.message, /did you mean `tiers`\?/);
        assert.match(e.stack, /^RulesError: /);
        return true;
      },
    );

    // Not JSON at all.
    fs.writeFileSync(broken, '{"name": "x",\n  "version": "1",\n}');
    assert.throws(
      () => new Scorer({ rules: broken, asOf: AS_OF }),
      (e) => e instanceof RulesError && e.code === 'syntax' && e.line === 3 && e.column === 1,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  // rulesJson errors are named by rulesName (default `rulesJson`).
  assert.throws(
    () => new Scorer({ rulesJson: '{"name": "t",\n "versoin": "1"}', rulesName: 't.json', asOf: AS_OF }),
    (e) => e instanceof RulesError && e.code === 'schema' && e.line === 2 && e.column === 10 &&
      e.message.startsWith('t.json:2:10: '),
  );
  assert.throws(
    () => new Scorer({ rulesJson: '{', asOf: AS_OF }),
    (e) => e instanceof RulesError && e.code === 'syntax' && e.message.startsWith('rulesJson:'),
  );
  // A missing file is an io RulesError, like the CLI's.
  assert.throws(
    () => new Scorer({ rules: '/nonexistent/rules.json', asOf: AS_OF }),
    (e) =>
      e instanceof RulesError && e.code === 'io' && e.path === null &&
      e.message.includes('cannot read rules file /nonexistent/rules.json'),
  );
});

test('options and asOf are checked', () => {
  const typeError = (code) => (e) => e instanceof TypeError && e.code === code;
  assert.throws(() => new Scorer(), typeError('ERR_INVALID_ARG_TYPE'));
  assert.throws(() => new Scorer('2026-11-22'), typeError('ERR_INVALID_ARG_TYPE'));
  assert.throws(() => new Scorer({}), typeError('ERR_INVALID_ARG_TYPE'));
  assert.throws(() => new Scorer({ asOf: 20261122 }), typeError('ERR_INVALID_ARG_TYPE'));
  assert.throws(() => new Scorer({ asOf: AS_OF, rules: 7 }), typeError('ERR_INVALID_ARG_TYPE'));
  // Fail closed on a misspelt option rather than silently using the default rules.
  assert.throws(() => new Scorer({ asOf: AS_OF, rule: LENDING }), typeError('ERR_INVALID_ARG_VALUE'));
  assert.throws(
    () => new Scorer({ asOf: AS_OF, rules: LENDING, rulesJson: '{}' }),
    typeError('ERR_INVALID_ARG_VALUE'),
  );
  assert.throws(() => new Scorer({ asOf: AS_OF, rulesName: 'x' }), typeError('ERR_INVALID_ARG_VALUE'));
  for (const bad of ['2026-2-03', '2026-02-30', '26-11-22', '2026-11-22T00:00:00Z', ' 2026-11-22', '+2026-11-22', '']) {
    assert.throws(() => new Scorer({ asOf: bad }), typeError('ERR_INVALID_ARG_VALUE'), bad);
  }
  assert.equal(new Scorer({ asOf: '2024-02-29' }).asOf, '2024-02-29');

  // A Date is taken only at midnight UTC (a date-only value); its UTC date is the day.
  assert.equal(new Scorer({ asOf: new Date('2026-11-22') }).asOf, '2026-11-22');
  assert.equal(new Scorer({ asOf: new Date(Date.UTC(2026, 0, 5)) }).asOf, '2026-01-05');
  assert.throws(() => new Scorer({ asOf: new Date('2026-11-22T15:30:00Z') }), typeError('ERR_INVALID_ARG_VALUE'));
  assert.throws(() => new Scorer({ asOf: new Date('nope') }), typeError('ERR_INVALID_ARG_VALUE'));

  // undefined options are absent options.
  assert.equal(new Scorer({ asOf: AS_OF, rules: undefined }).rules.name, 'default');
});

test('a truncated body: ParseError `truncated` with its column', () => {
  const s = new Scorer({ asOf: AS_OF });
  const cut = BODY.slice(0, 60);
  assert.throws(
    () => s.assess(cut),
    (e) => {
      assert.ok(e instanceof ParseError && e instanceof LayerRiskError && e instanceof Error);
      assert.ok(!(e instanceof RulesError));
      assert.equal(e.name, 'ParseError');
      assert.equal(e.code, 'truncated');
      assert.equal(e.line, 1);
      assert.equal(e.column, 60, 'the last byte read');
      assert.equal(e.path, 'identity.name.last_name', 'cut inside the last name');
      assert.equal(e.message, 'truncated JSON at `identity.name.last_name` (line 1, column 60)');
      assert.match(e.stack, /^ParseError: truncated JSON/);
      assert.match(e.stack.split('\n')[1], /scorer\.test\.js/, 'the stack starts at the caller');
      return true;
    },
  );
  // A body with no path to blame gets path null.
  assert.throws(() => s.assess('{'), (e) => e.code === 'truncated' && e.path === null && e.column === 1);
});

test('invalid UTF-8 in a Buffer: ParseError `invalid_utf8`', () => {
  const s = new Scorer({ asOf: AS_OF });
  const bytes = Buffer.concat([Buffer.from('{"identity": {"name": {"first_name": "'), Buffer.from([0xc3, 0x28]), Buffer.from('"}}}')]);
  assert.throws(
    () => s.assess(bytes),
    (e) => e instanceof ParseError && e.code === 'invalid_utf8' && e.column === 39 && e.line === 1,
  );
  // The same bytes through the batch path give an error record, not a throw.
  const [rec] = s.scoreLines([bytes]);
  const { decision_id: id, ...error } = JSON.parse(rec);
  assert.match(id, /^[0-9a-f]{32}$/, 'an error record has the id of its bytes');
  assert.deepEqual(error, {
    error: { code: 'invalid_utf8', message: 'invalid UTF-8', column: 39 },
  });
});

test('other parse errors carry code, line, column and path', () => {
  const s = new Scorer({ asOf: AS_OF });
  const cases = [
    ['{"identity": 5}', 'wrong_type', 14, 'identity'],
    ['[1]', 'not_an_object', 1, null],
    ['{"identity": {}, "identity": {}}', 'duplicate_field', 27, null],
    ['{"identity_edit_history": {"name": {"edits_1d": -1}}}', 'invalid_value', 50, 'identity_edit_history.name.edits_1d'],
    ['{"identity": x}', 'invalid_json', 14, 'identity'],
  ];
  for (const [body, code, column, p] of cases) {
    assert.throws(
      () => s.assess(body),
      (e) => {
        assert.ok(e instanceof ParseError, body);
        assert.deepEqual([e.code, e.line, e.column, e.path], [code, 1, column, p], body);
        return true;
      },
    );
  }
});

test('assess with an applicant (object, string or Buffer)', () => {
  const s = new Scorer({ asOf: AS_OF });
  const applicant = {
    name: { full_name: 'Leslie B Knope' },
    date_of_birth: '1975-01-18',
    phone_number: '(415) 555-0015',
    email: 'leslie@knope.com',
    address: { street: '123 Main Street', city: 'Pawnee', region: 'IN', postal_code: '41006', country: 'US' },
  };
  const d = s.assess(BODY, applicant);
  assert.ok(d.match, 'decided with a match report');
  assert.ok(d.match.legal_name.score >= 85, JSON.stringify(d.match.legal_name));
  assert.equal(d.match.date_of_birth.score, 100);
  assert.equal(d.match.phone_number.score, 100);
  assert.equal(d.match.address.is_postal_code_match, true);

  // The same as a string, a Buffer, and as the envelope the CLI reads.
  assert.deepEqual(s.assess(BODY, JSON.stringify(applicant)), d);
  assert.deepEqual(s.assess(BODY, Buffer.from(JSON.stringify(applicant))), d);
  // The envelope decides the same; its id differs (it covers the bytes as given: one line
  // here, two parts above).
  const { decision_id: envelopeId, ...enveloped } = s.assess(
    `{"session": ${BODY}, "applicant": ${JSON.stringify(applicant)}}`,
  );
  const { decision_id: apartId, ...apart } = d;
  assert.deepEqual(enveloped, apart);
  assert.notEqual(envelopeId, apartId);
  // null/undefined applicant: no comparison.
  assert.equal(s.assess(BODY, null).match, undefined);

  // A nickname and a swapped day/month are seen.
  const nick = s.assess(
    JSON.stringify({ identity: { name: { first_name: 'William', last_name: 'Knope' } }, request_id: 'r1' }),
    { name: { full_name: 'Bill Knope' } },
  );
  assert.equal(nick.match.legal_name.is_nickname_match, true);

  // Applicant errors have paths under `applicant`.
  assert.throws(
    () => s.assess(BODY, { name: 7 }),
    (e) => e instanceof ParseError && e.code === 'wrong_type' && e.path === 'applicant.name',
  );
  // An envelope body plus an applicant is ambiguous.
  assert.throws(
    () => s.assess(`{"session": ${BODY}, "applicant": {}}`, applicant),
    (e) => e instanceof ParseError && e.code === 'ambiguous_envelope',
  );
});

test('scoreLines and scoreJsonl', () => {
  const s = new Scorer({ asOf: AS_OF });
  const lines = [BODY, '', '   \r', null, undefined, '{"identity": ', Buffer.from(BODY), `${BODY}\r`];
  const out = s.scoreLines(lines);
  assert.equal(out.length, lines.length);
  const decided = JSON.stringify(s.assess(BODY));
  assert.equal(out[0], decided, 'the record is assess() serialized, byte for byte');
  assert.deepEqual(out.slice(1, 5), [null, null, null, null]);
  assert.deepEqual(JSON.parse(out[5]).error, {
    code: 'truncated',
    message: 'truncated JSON at `identity`',
    column: 13,
    path: 'identity',
  });
  assert.equal(out[6], decided);
  assert.equal(out[7], decided, 'one trailing CR is dropped, as in a CRLF file');

  // Longer than the batch limit: line_too_long, not parsed.
  const long = `{"identity": null, "pad": "${'x'.repeat(DEFAULT_MAX_LINE_BYTES)}"}`;
  assert.equal(JSON.parse(s.scoreLines([long])[0]).error.code, 'line_too_long');

  const jsonl = s.scoreJsonl(`${BODY}\n\n{"identity": \n${BODY}`);
  assert.ok(Buffer.isBuffer(jsonl));
  const recs = jsonl.toString().split('\n');
  assert.equal(recs.pop(), '', 'every record ends with a newline');
  assert.deepEqual(
    recs.map((r) => JSON.parse(r).line),
    [1, 3, 4],
    'blank lines get no record but keep their number',
  );
  assert.equal(recs[0], `{"line":1,${decided.slice(1)}`);
  assert.equal(s.scoreJsonl('').length, 0);
  assert.deepEqual(s.scoreJsonl(Buffer.from(BODY)), s.scoreJsonl(BODY));
});

test('bad argument types are TypeErrors', () => {
  const s = new Scorer({ asOf: AS_OF });
  const isTypeError = (e) => e instanceof TypeError && e.code === 'ERR_INVALID_ARG_TYPE';
  for (const bad of [undefined, null, 5, {}, [BODY], new Uint16Array(4)]) {
    assert.throws(() => s.assess(bad), isTypeError);
    assert.throws(() => s.scoreJsonl(bad), isTypeError);
  }
  assert.throws(() => s.assess(BODY, 5), isTypeError);
  assert.throws(() => s.assess(BODY, true), isTypeError);
  assert.throws(() => s.scoreLines(BODY), isTypeError);
  assert.throws(() => s.scoreLines([BODY, 5]), (e) => isTypeError(e) && e.message.startsWith('lines[1]:'));
});

test('no identity value from the input reaches an error message', () => {
  const s = new Scorer({ asOf: AS_OF });
  const SSN = '123-45-6789';
  const SSN_DIGITS = '123456789';
  const FIRST = 'Leslie';
  const LAST = 'Knope';
  const secrets = [SSN, SSN_DIGITS, FIRST, LAST, '1975-01-18', 'leslie@knope.com'];
  const bodies = [
    `{"identity": {"ssn": ${SSN_DIGITS}, "name": {"first_name": "${FIRST}", "last_name": "${LAST}"}}}`,
    `{"identity": {"ssn": "${SSN}", "name": "${FIRST} ${LAST}"}}`,
    `{"identity": {"ssn": "${SSN}", "name": {"first_name": "${FIRST}"`,
    `{"identity": {"ssn": ${SSN}}}`,
    `{"identity": {"ssn": "${SSN}"}, "identity": {"name": "${LAST}"}}`,
    `{"identity_edit_history": {"name": {"edits_1d": "${SSN}"}}}`,
    `{"identity_edit_history": {"name": {"edits_1d": -${SSN_DIGITS}}}}`,
    `{"identity": {"ssn": "${SSN}"}, "items": "${FIRST} ${LAST}"}`,
    `{"identity": {"date_of_birth": 1975-01-18, "email": "leslie@knope.com"}}`,
    `["${SSN}", "${FIRST}"]`,
    `"${FIRST} ${LAST}"`,
    `{"identity": {"ssn": "${SSN}"}} ${FIRST}`,
    `{"identity": {"ssn": "${SSN}\\q"}}`,
    `{"identity": {"ssn": "${SSN}", "name": {"first_name": ${FIRST}}}}`,
    `{"session": {"identity": {"ssn": "${SSN}"}}, "applicant": {"name": "${FIRST} ${LAST}"}}`,
    `{"applicant": {"name": {"full_name": "${FIRST} ${LAST}"}}, "ssn": "${SSN}"}`,
  ];
  const messages = [];
  const collect = (fn) => {
    try {
      fn();
      assert.fail('expected a throw');
    } catch (e) {
      assert.ok(e instanceof ParseError || e instanceof TypeError, String(e));
      messages.push(e.message, e.stack, String(e.path));
    }
  };
  for (const body of bodies) {
    collect(() => s.assess(body));
    collect(() => s.assess(Buffer.from(body)));
    const [rec] = s.scoreLines([body]);
    assert.ok(JSON.parse(rec).error, body);
    messages.push(rec);
    messages.push(s.scoreJsonl(body).toString());
  }
  // Invalid UTF-8 right after identity values.
  collect(() => s.assess(Buffer.concat([Buffer.from(`{"identity": {"ssn": "${SSN}", "name": {"first_name": "${FIRST}`), Buffer.from([0xff]), Buffer.from('"}}}')])));
  // Applicant errors.
  const good = '{"identity": {}}';
  collect(() => s.assess(good, { name: `${FIRST} ${LAST}`, ssn: SSN }));
  collect(() => s.assess(good, { date_of_birth: 19750118, name: { first_name: FIRST } }));
  collect(() => s.assess(good, `{"name": {"first_name": "${FIRST}"`));
  collect(() => s.assess(good, `["${SSN}"]`));
  // Argument errors name the type, never the value.
  collect(() => s.assess(123456789));
  collect(() => s.assess(good, 123456789));
  collect(() => s.scoreLines([good, 123456789]));
  collect(() => new Scorer({ asOf: SSN }));
  collect(() => new Scorer({ asOf: '1975-01-18x' }));

  assert.ok(messages.length > 60);
  for (const m of messages) {
    for (const secret of secrets) {
      assert.ok(!m.includes(secret), `an error message quotes input (${secret}): ${m}`);
    }
  }
});
