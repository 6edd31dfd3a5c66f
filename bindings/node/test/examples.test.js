'use strict';
// The Express example (examples/express_app.js) run in-process on an ephemeral port, with
// plain HTTP requests: it decides, reloads its rules when the file changes and on SIGHUP,
// refuses a broken file, rolls the date, fails closed, and logs ids and codes only.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');

const { Scorer } = require('..');
const { createApp } = require('../examples/express_app.js');
const { base, edited, identityMatch } = require('./plaid.js');
const { REPO_ROOT } = require('./cli.js');

const DAY = '2026-11-22';
const rulesOf = (name) => path.join(REPO_ROOT, 'rules', `${name}.json`);

async function start(t, options) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'layer-risk-express-'));
  const rules = path.join(dir, 'rules.json');
  fs.copyFileSync(rulesOf('default'), rules);
  const lines = [];
  const log = { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
  const clock = { today: DAY };
  const made = createApp({ rules, today: () => clock.today, log, ...options });
  const server = http.createServer(made.app);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    made.close();
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const url = `http://127.0.0.1:${server.address().port}/layer/decision`;
  const post = async (payload, { raw, type = 'application/json' } = {}) => {
    const r = await fetch(url, { method: 'POST', headers: { 'Content-Type': type }, body: raw ?? JSON.stringify(payload) });
    return { status: r.status, body: await r.json() };
  };
  const rulesName = async () => (await post({ session: { identity: null } })).body.rules.name;
  return { rules, lines, clock, post, rulesName, made };
}

/** Write another rules file at `file` (as a deploy does), with a later mtime. */
function replaceRules(file, source) {
  fs.writeFileSync(file, fs.readFileSync(rulesOf(source)));
  const later = Date.now() / 1000 + 5;
  fs.utimesSync(file, later, later);
}

async function waitFor(predicate, what, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await sleep(20);
  }
}

test('decides, reloads on a file change, refuses a broken file, rolls the date', async (t) => {
  const { rules, lines, clock, post, rulesName } = await start(t, { pollMs: 50, sighup: false });
  const raw = JSON.stringify(edited('name', 3));
  const want = new Scorer({ rules: rulesOf('default'), asOf: DAY }).assess(raw);
  const got = await post({ session: raw });
  assert.equal(got.status, 200);
  assert.deepEqual(got.body, {
    decision: want.decision,
    decision_id: want.decision_id, // the raw text: the same bytes, the same id
    reasons: want.reasons.map((r) => r.code),
    rules: want.rules,
  });
  // With Plaid's other verdicts: a passed Identity Match settles the name edits.
  const settled = await post({ session: raw, identity_match: identityMatch([100, 12]) });
  assert.equal(settled.body.decision, 'trust');
  assert.notEqual(want.decision, 'trust');

  replaceRules(rules, 'lending');
  await waitFor(async () => (await rulesName()) === 'lending', 'the file change to be seen');

  fs.writeFileSync(rules, fs.readFileSync(rules, 'utf8').replace('"tiers"', '"teirs"'));
  const later = Date.now() / 1000 + 10;
  fs.utimesSync(rules, later, later);
  await waitFor(() => lines.some((l) => l.startsWith('rules reload refused, keeping lending@')), 'the broken file to be refused');
  assert.equal(await rulesName(), 'lending');

  // Midnight: the next request is decided as of the new day.
  clock.today = '2026-11-23';
  const next = await post({ session: raw });
  assert.equal(next.body.decision_id, new Scorer({ rules: rulesOf('lending'), asOf: '2026-11-23' }).assess(raw).decision_id);

  // One line per decision, ids and codes only.
  const decisions = lines.filter((l) => l.startsWith('decision '));
  assert.ok(decisions.length >= 5, `${decisions.length}`);
  assert.ok(decisions.every((l) => /decision_id=[0-9a-f]{32} /.test(l) && l.includes('reasons=')));
  const logged = lines.join('\n');
  for (const secret of ['Leslie', 'Knope', '524781963', '1975-01-18', '4157452130', 'knope.com', 'Pawnee', 'access-sandbox']) {
    assert.ok(!logged.includes(secret), secret);
  }
});

test('SIGHUP reloads', async (t) => {
  // Polling an hour apart: only the signal can make it reload within the test.
  const { rules, rulesName } = await start(t, { pollMs: 3600 * 1000 });
  assert.equal(await rulesName(), 'default');
  replaceRules(rules, 'payments');
  await sleep(300);
  assert.equal(await rulesName(), 'default', 'no poll is due for an hour');
  process.kill(process.pid, 'SIGHUP');
  await waitFor(async () => (await rulesName()) === 'payments', 'SIGHUP to reload the rules');
});

test('fails closed', async (t) => {
  const { post, lines } = await start(t, { pollMs: 3600 * 1000, sighup: false });
  const secret = 'Leslie Knope 524781963';
  const cases = [
    [{ session: '{"identity": ' }, 200, 'truncated'],
    [{ session: '{"identity": 7}' }, 200, 'wrong_type'],
    [{ session: base(), identity_match: { accounts: [{ legal_name: { score: secret } }] } }, 200, 'wrong_type'],
    [{ session: base(), protect: [secret] }, 200, 'not_an_object'],
    [{ session: base(), user_id: 7 }, 400, 'bad_request'],
    [{ body: base() }, 400, 'bad_request'],
  ];
  for (const [payload, status, code] of cases) {
    assert.deepEqual(await post(payload), { status, body: { decision: 'identity_verification', error: code } }, JSON.stringify(payload));
  }
  assert.deepEqual(await post(null, { raw: '{not json' }), { status: 400, body: { decision: 'identity_verification', error: 'bad_request' } });
  assert.deepEqual(await post(null, { raw: 'x', type: 'text/plain' }), { status: 400, body: { decision: 'identity_verification', error: 'bad_request' } });
  const logged = lines.join('\n');
  assert.ok(logged.includes('fail_closed code=wrong_type path=signals.identity_match.accounts[0].legal_name.score'), logged);
  assert.ok(!logged.includes('Leslie') && !logged.includes('524781963'));
});

test('a broken rules file stops the start', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'layer-risk-express-'));
  try {
    const broken = path.join(dir, 'broken.json');
    fs.writeFileSync(broken, '{');
    assert.throws(() => createApp({ rules: broken, sighup: false }), (e) => e.name === 'RulesError');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
