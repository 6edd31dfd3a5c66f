'use strict';
// The README's Express backend runs as written: its code block is evaluated with the real
// `express` and `plaid` packages, Plaid's base path pointed at a local fake Plaid that
// answers /user_account/session/get with lines of the shipped example export, and the
// route must answer with the step each decision calls for and log no identity value.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const test = require('node:test');

const { Scorer } = require('..');

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const README = path.join(__dirname, '..', 'README.md');

function readmeBlock(heading) {
  const text = fs.readFileSync(README, 'utf8');
  const section = text.slice(text.indexOf(heading));
  return /```js\n([\s\S]*?)```/.exec(section)[1];
}

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

test('the Express example routes on the decision and logs no identity', async () => {
  process.chdir(REPO_ROOT); // the example reads rules/lending.json from the working directory
  const bodies = fs
    .readFileSync(path.join(REPO_ROOT, 'examples', 'export.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .slice(0, 40);

  // The fake Plaid: answers each call with the next body.
  const requests = [];
  let answer = bodies[0];
  const plaid = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests.push({ url: req.url, body: JSON.parse(body), headers: req.headers });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(answer);
    });
  });
  const plaidPort = await listen(plaid);

  const source = readmeBlock('## In an Express backend');
  assert.ok(source.includes('basePath: PlaidEnvironments.production'));
  const patched = source
    .replace('basePath: PlaidEnvironments.production', `basePath: 'http://127.0.0.1:${plaidPort}'`)
    .replace("require('layer-risk')", `require(${JSON.stringify(path.join(__dirname, '..'))})`);
  const logs = [];
  const quiet = {
    info: (...a) => logs.push(a),
    warn: (...a) => logs.push(a),
    error: (...a) => logs.push(a),
    log: (...a) => logs.push(a),
  };
  process.env.PLAID_CLIENT_ID = 'client-id';
  process.env.PLAID_SECRET = 'secret';
  // eslint-disable-next-line no-new-func
  const app = new Function('require', 'console', `${patched}\nreturn app;`)(require, quiet);
  const server = http.createServer(app);
  const port = await listen(server);

  const rules = path.join(REPO_ROOT, 'rules', 'lending.json');
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' }).format(new Date());
  const scorer = new Scorer({ rules, asOf: today });
  const step = {
    trust: 'done',
    identity_match: 'identity_match',
    identity_verification: 'identity_verification',
    manual_review: 'manual_review',
  };
  const post = async () => {
    const r = await fetch(`http://127.0.0.1:${port}/onboarding/layer`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ public_token: 'profile-sandbox-1' }),
    });
    assert.equal(r.status, 200);
    return r.json();
  };
  try {
    const seen = new Set();
    for (const body of bodies) {
      answer = body;
      const want = step[scorer.assess(body).decision];
      assert.deepEqual(await post(), { next: want });
      seen.add(want);
    }
    assert.ok(seen.size >= 2, `only ${[...seen]}`); // more than one branch ran
    const last = requests[requests.length - 1];
    assert.equal(last.url, '/user_account/session/get');
    assert.equal(last.body.public_token, 'profile-sandbox-1');
    assert.equal(last.headers['plaid-client-id'], 'client-id');

    // A response that is not one fails closed.
    answer = '{"identity": 7, "request_id": "r1"}';
    assert.deepEqual(await post(), { next: 'identity_verification' });

    // The logs carry request ids and codes, never an identity value.
    const logged = JSON.stringify(logs);
    assert.ok(logs.length > bodies.length, 'the example logs each decision');
    for (const body of bodies) {
      const id = JSON.parse(body).identity;
      if (!id) continue;
      for (const value of [id.ssn, id.date_of_birth, id.phone_number, id.name && id.name.last_name]) {
        if (typeof value === 'string' && value.length > 3) {
          assert.ok(!logged.includes(value), 'an identity value reached the logs');
        }
      }
    }
  } finally {
    server.close();
    plaid.close();
  }
});
