'use strict';
// An Express backend deciding on Plaid Layer sessions with one layer-risk LiveScorer.
//
// - POST /layer/decision takes what the backend fetched from Plaid for one user: the
//   /user_account/session/get body and, when it has them, the /protect/compute,
//   /identity/match and /identity_verification/get bodies (`protect`, `identity_match`,
//   `identity_verification`), its own view of the user (`applicant`) and the user's stable
//   id (`user_id`, the rollout key of a staged rollout). Each Plaid body may be the JSON
//   object or the raw text Plaid sent (a string: the decision id then covers those bytes).
// - It answers with the decision (trust, identity_match, identity_verification,
//   manual_review), its decision_id and reason codes. It fails closed: a body that is not
//   what it claims, or a request that is not one, is answered with identity_verification
//   and the error code, never trust.
// - The rules file ($LAYER_RISK_RULES; none: the embedded default rules) is reloaded on
//   SIGHUP and when its mtime (or size, or inode) changes, polled every
//   $LAYER_RISK_POLL_MS (default 5000). A file that cannot be used is logged and never
//   becomes live. $LAYER_RISK_SHADOW runs a challenger rules file in shadow.
// - The evaluation date is today in UTC, rolled at midnight: checked on every request.
// - One log line per decision with the record's ids and codes only: never an identity value.
//
// Run it (after `npm ci && npm run build` in bindings/node):
//
//   LAYER_RISK_RULES=../../rules/lending.json node examples/express_app.js
//   curl -s localhost:3000/layer/decision -H 'Content-Type: application/json' \
//        -d '{"session": {"identity": null, "request_id": "r1"}}'
//   kill -HUP <pid>     # reload the rules file now
//
// test/examples.test.js runs this app in-process on an ephemeral port.

const fs = require('node:fs');
const express = require('express');
const { Scorer, LiveScorer, ParseError, RulesError } = require('..'); // your app: require('layer-risk')

// The answer when the input cannot be decided on: step up, never trust.
const FAIL_CLOSED = 'identity_verification';

/** The evaluation day, 'YYYY-MM-DD' in UTC (choose your business's zone if it has one). */
function utcToday() {
  return new Date().toISOString().slice(0, 10);
}

/** Identifies a version of the file: a change of any part means "reload". */
function stamp(file) {
  if (file === undefined) return null;
  try {
    const st = fs.statSync(file);
    return `${st.mtimeMs}:${st.size}:${st.ino}`;
  } catch {
    return null; // gone for now (being replaced): the reload will say why, if it stays
  }
}

/**
 * The app and its LiveScorer, with the watcher running. A broken rules file at start-up
 * throws RulesError: the deploy fails, not a user.
 *
 * @param {object} [options]
 * @param {string} [options.rules] rules file ($LAYER_RISK_RULES; none: the default rules)
 * @param {string} [options.shadow] challenger rules file run in shadow ($LAYER_RISK_SHADOW)
 * @param {number} [options.pollMs] how often the file is checked ($LAYER_RISK_POLL_MS, 5000)
 * @param {() => string} [options.today] the evaluation day, 'YYYY-MM-DD'
 * @param {boolean} [options.sighup] reload on SIGHUP (default true)
 * @param {Console} [options.log] where the log lines go
 */
function createApp({
  rules = process.env.LAYER_RISK_RULES,
  shadow = process.env.LAYER_RISK_SHADOW,
  pollMs = Number(process.env.LAYER_RISK_POLL_MS || 5000),
  today = utcToday,
  sighup = true,
  log = console,
} = {}) {
  const live = new LiveScorer(new Scorer({ rules, shadow, asOf: today() }));
  let seen = stamp(rules);
  let day = live.current.asOf;

  function rollDate() {
    const now = today();
    if (now !== day) {
      day = now;
      live.setAsOf(now);
      log.info(`as_of rolled to ${now}`);
    }
  }

  /** Reload if asked (SIGHUP) or if the file changed; roll the date if due. */
  function check(force = false) {
    const now = stamp(rules);
    if (force || now !== seen) {
      seen = now;
      try {
        const id = live.reload(rules);
        log.info(`rules reloaded name=${id.name} version=${id.version} sha256=${id.sha256}`);
      } catch (err) {
        if (!(err instanceof RulesError)) throw err;
        // The message locates the problem in the rules file (which holds no PII).
        const cur = live.current.rules;
        log.error(`rules reload refused, keeping ${cur.name}@${cur.version}: ${err.message}`);
      }
    }
    rollDate();
  }

  const timer = setInterval(check, pollMs);
  timer.unref(); // the watcher alone does not keep the process alive
  const onHup = () => check(true);
  if (sighup) process.on('SIGHUP', onHup);

  function failClosed(res, code, status = 200, path = null) {
    log.warn(`fail_closed code=${code} path=${path}`);
    return res.status(status).json({ decision: FAIL_CLOSED, error: code });
  }

  const app = express();
  app.use(express.json({ limit: '2mb' }));

  app.post('/layer/decision', (req, res) => {
    const body = req.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body) || body.session == null) {
      return failClosed(res, 'bad_request', 400);
    }
    rollDate();
    const { session } = body;
    let record;
    try {
      record = live.assess(
        // A string is the raw body as Plaid sent it; an object goes through JSON.stringify.
        typeof session === 'string' ? session : JSON.stringify(session),
        body.applicant,
        {
          protect: body.protect,
          identityMatch: body.identity_match,
          identityVerification: body.identity_verification,
          rolloutKey: body.user_id,
        },
      );
    } catch (err) {
      if (err instanceof ParseError) return failClosed(res, err.code, 200, err.path);
      if (err instanceof TypeError) return failClosed(res, 'bad_request', 400); // e.g. user_id not a string
      throw err;
    }
    const codes = record.reasons.map((r) => r.code);
    log.info(
      `decision request_id=${record.request_id} decision_id=${record.decision_id} ` +
        `decision=${record.decision} score=${record.score} ` +
        `rules=${record.rules.name}@${record.rules.version} arm=${record.arm ?? '-'} ` +
        `shadow=${record.shadow ? record.shadow.decision : '-'} reasons=${codes.join(',') || '-'}`,
    );
    return res.json({
      decision: record.decision,
      decision_id: record.decision_id,
      reasons: codes,
      rules: record.rules,
    });
  });

  // A request body that is not JSON (express.json's 400s): fail closed too.
  // eslint-disable-next-line no-unused-vars
  app.use((err, req, res, next) => {
    if (err && err.type && err.status >= 400 && err.status < 500) return failClosed(res, 'bad_request', 400);
    log.error(`internal error ${err && err.name}`); // never the error's own text: it may quote input
    return res.status(500).json({ decision: FAIL_CLOSED, error: 'internal' });
  });

  function close() {
    clearInterval(timer);
    process.off('SIGHUP', onHup);
  }

  return { app, live, check, close };
}

module.exports = { createApp, utcToday };

if (require.main === module) {
  const { app } = createApp();
  const port = Number(process.env.PORT || 3000);
  app.listen(port, '127.0.0.1', () => console.info(`listening on 127.0.0.1:${port} (pid ${process.pid})`));
}
