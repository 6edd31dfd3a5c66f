'use strict';
// layer-risk for Node.js: decide whether the identity Plaid Layer returns
// (POST /user_account/session/get) can be trusted.
//
// A thin layer over the native addon (bindings/node/src/lib.rs, built by `npm run build`):
// it checks argument types (TypeError, never quoting the value), turns the addon's tagged
// failures into ParseError / RulesError, and parses decision records. Every decision and
// every record byte comes from the Rust core, so they are the CLI's.

let native;
try {
  // napi's generated loader: picks layer-risk.<platform>.node. Both are build outputs.
  native = require('./native.js');
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes('native.js')) {
    throw new Error(
      'layer-risk: the native addon is not built; run `npm run build` in bindings/node ' +
        '(needs a Rust toolchain)',
      { cause: err },
    );
  }
  throw err;
}

/** Node's convention for argument errors: a TypeError with a `code`. */
function argError(code, message) {
  const err = new TypeError(message);
  err.code = code;
  return err;
}

/** What a value is, for an error message: its type, never the value itself. */
function typeOf(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') {
    const ctor = value.constructor && value.constructor.name;
    return ctor ? `an instance of ${ctor}` : 'an object';
  }
  return `type ${typeof value}`;
}

function setErrorName(cls, name) {
  Object.defineProperty(cls.prototype, 'name', {
    value: name,
    writable: true,
    configurable: true,
    enumerable: false,
  });
}

/**
 * The base of layer-risk's errors: a located problem with a stable `code`, its `line` and
 * `column`, and the field `path` (or null). Messages never quote input values.
 */
class LayerRiskError extends Error {
  constructor(message, { code, line, column, path } = {}) {
    super(message);
    this.code = code;
    this.line = line;
    this.column = column;
    this.path = path == null ? null : path;
  }
}
setErrorName(LayerRiskError, 'LayerRiskError');

/**
 * A response body (or export line) that is not a Plaid Layer response: not UTF-8, not JSON,
 * truncated, a value of the wrong type... `code` is the core's stable code; the message
 * says where (line, column, field path) and never quotes a value from the input.
 */
class ParseError extends LayerRiskError {}
setErrorName(ParseError, 'ParseError');

/**
 * A rules file (or rulesJson text) that cannot be used: `code` is `syntax`, `schema`,
 * `semantic`, `unpriced` or `io`; `line`/`column` point into the file, `path` at the field.
 */
class RulesError extends LayerRiskError {}
setErrorName(RulesError, 'RulesError');

/**
 * A link store or secret that cannot be used (a secret shorter than 32 bytes, a store that
 * cannot be opened or written). The message names lengths and paths, never the secret.
 */
class LinkError extends LayerRiskError {}
setErrorName(LinkError, 'LinkError');

/** Throw what a native Failure describes, with a stack starting at the public method. */
function raise(failure, caller) {
  let err;
  if (failure.kind === 'ParseError') {
    err = new ParseError(failure.message, failure);
  } else if (failure.kind === 'RulesError') {
    err = new RulesError(failure.message, failure);
  } else if (failure.kind === 'LinkError') {
    err = new LinkError(failure.message, failure);
  } else {
    err = argError(failure.code, failure.message);
  }
  Error.captureStackTrace(err, caller);
  throw err;
}

function isBytes(value) {
  return value instanceof Uint8Array;
}

/**
 * A string or Buffer as is; any other Uint8Array as a Buffer over the same memory (no
 * copy); anything else is a TypeError.
 */
function bytesArg(value, name) {
  if (typeof value === 'string' || Buffer.isBuffer(value)) return value;
  if (isBytes(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  throw argError(
    'ERR_INVALID_ARG_TYPE',
    `${name}: expected a string, Buffer or Uint8Array, got ${typeOf(value)}`,
  );
}

/** The evaluation date: a `YYYY-MM-DD` string, or a Date at midnight UTC (see README). */
function asOfArg(value) {
  if (typeof value === 'string') return value;
  if (value instanceof Date) {
    const t = value.getTime();
    if (Number.isNaN(t)) {
      throw argError('ERR_INVALID_ARG_VALUE', 'asOf: an invalid Date');
    }
    if (t % 86400000 !== 0) {
      throw argError(
        'ERR_INVALID_ARG_VALUE',
        'asOf: a Date with a time of day is ambiguous (which day it is depends on a time ' +
          "zone): pass the evaluation day as 'YYYY-MM-DD', or a Date at midnight UTC " +
          "such as new Date('2026-11-22')",
      );
    }
    return value.toISOString().slice(0, 10);
  }
  throw argError(
    'ERR_INVALID_ARG_TYPE',
    `asOf: expected a 'YYYY-MM-DD' string or a Date, got ${typeOf(value)}`,
  );
}

const OPTIONS = new Set(['rules', 'rulesJson', 'rulesName', 'asOf', 'shadow', 'rollout', 'rolloutShare']);

/** A rollout share: a number from 0 to 1. */
function shareArg(value, name) {
  if (typeof value !== 'number') {
    throw argError('ERR_INVALID_ARG_TYPE', `${name}: expected a number from 0 to 1, got ${typeOf(value)}`);
  }
  if (!(value >= 0 && value <= 1)) {
    const err = new RangeError(`${name}: expected a number from 0 to 1`);
    err.code = 'ERR_OUT_OF_RANGE';
    throw err;
  }
  return value;
}

/**
 * JSON bytes of a part beside the body (the applicant, a Plaid response body): a string or
 * bytes as given, an object through JSON.stringify.
 */
function partArg(value, name) {
  if (typeof value === 'string' || isBytes(value)) return bytesArg(value, name);
  if (typeof value === 'object' && value !== null) {
    const text = JSON.stringify(value);
    if (typeof text !== 'string') {
      throw argError('ERR_INVALID_ARG_VALUE', `${name}: does not serialize to JSON`);
    }
    return text;
  }
  throw argError(
    'ERR_INVALID_ARG_TYPE',
    `${name}: expected an object, a string or a Buffer, got ${typeOf(value)}`,
  );
}

const PARTS = new Set(['protect', 'identityMatch', 'identityVerification', 'rolloutKey', 'link']);

/**
 * Decide with `nativeScorer` (a NativeScorer or NativeLiveScorer): the record as an object,
 * or the error thrown with a stack starting at `caller`.
 */
function assessWith(nativeScorer, body, applicant, parts, caller) {
  const b = bytesArg(body, 'body');
  const a = applicant === undefined || applicant === null ? undefined : partArg(applicant, 'applicant');
  let out;
  if (parts === undefined || parts === null) {
    out = a === undefined ? nativeScorer.assess(b) : nativeScorer.assess(b, a);
  } else {
    if (typeof parts !== 'object' || Array.isArray(parts)) {
      throw argError(
        'ERR_INVALID_ARG_TYPE',
        `parts: expected an object such as { protect, identityMatch }, got ${typeOf(parts)}`,
      );
    }
    for (const key of Object.keys(parts)) {
      // Fail closed: a misspelt part must not silently be left out of the decision.
      if (!PARTS.has(key)) {
        throw argError(
          'ERR_INVALID_ARG_VALUE',
          `parts: unknown part '${key}' (known: ${[...PARTS].join(', ')})`,
        );
      }
    }
    const part = (key) => {
      const v = parts[key];
      return v === undefined || v === null ? undefined : partArg(v, key);
    };
    let key = parts.rolloutKey;
    if (key === null) key = undefined;
    if (key !== undefined && typeof key !== 'string') {
      throw argError('ERR_INVALID_ARG_TYPE', `rolloutKey: expected a string, got ${typeOf(key)}`);
    }
    const link =
      parts.link === undefined || parts.link === null ? undefined : historyJson(parts.link, 'link');
    out = nativeScorer.assess(
      b,
      a,
      part('protect'),
      part('identityMatch'),
      part('identityVerification'),
      key,
      link,
    );
  }
  if (typeof out === 'string') return JSON.parse(out);
  return raise(out, caller);
}

/** The lines of scoreLines as the addon takes them (other Uint8Arrays as Buffers). */
function linesArg(lines) {
  if (!Array.isArray(lines)) {
    throw argError('ERR_INVALID_ARG_TYPE', `lines: expected an array, got ${typeOf(lines)}`);
  }
  let items = lines;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === null || line === undefined || typeof line === 'string' || Buffer.isBuffer(line)) {
      continue;
    }
    if (items === lines) items = lines.slice();
    items[i] = bytesArg(line, `lines[${i}]`);
  }
  return items;
}

/** The link histories of scoreLines as the addon takes them: JSON text or null each. */
function linksArg(links) {
  if (links === undefined || links === null) return undefined;
  if (!Array.isArray(links)) {
    throw argError('ERR_INVALID_ARG_TYPE', `links: expected an array, got ${typeOf(links)}`);
  }
  return links.map((h) => (h === null || h === undefined ? null : historyJson(h, 'links')));
}

/** The records of scoreLines, or the failure the addon returned, thrown. */
function linesOut(out, caller) {
  if (!Array.isArray(out)) return raise(out, caller);
  return nullsForUndefined(out);
}

/** undefined (the addon's none) as null, in place. */
function nullsForUndefined(out) {
  for (let i = 0; i < out.length; i++) {
    if (out[i] === undefined) out[i] = null;
  }
  return out;
}

/** `Scorer { rules: 'default@3.1.0', shadow: 'lending@3.1.0', asOf: '2026-11-22' }`. */
function describe(rules, shadowRules, rolloutShare, asOf) {
  let challenger = '';
  if (shadowRules !== null) {
    const id = `'${shadowRules.name}@${shadowRules.version}'`;
    challenger = rolloutShare === null ? `, shadow: ${id}` : `, rollout: ${id}, rolloutShare: ${rolloutShare}`;
  }
  return `Scorer { rules: '${rules.name}@${rules.version}'${challenger}, asOf: '${asOf}' }`;
}

// Module-private: a Scorer made around a native scorer (withShadow, LiveScorer.current...),
// and a Scorer's native scorer (for LiveScorer). Set in Scorer's static block.
const ADOPT = Symbol('adopt a native scorer');
let nativeOf;

function optionalString(options, key) {
  const value = options[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw argError('ERR_INVALID_ARG_TYPE', `${key}: expected a string, got ${typeOf(value)}`);
  }
  return value;
}

const inspect = Symbol.for('nodejs.util.inspect.custom');

/**
 * A rule set and an evaluation date: decides Plaid Layer responses. Build one at start-up
 * and keep it (loading the rules is the expensive part); it is immutable.
 */
class Scorer {
  #native;
  #rules;
  #asOf;
  #shadowRules;
  #rolloutShare;

  static {
    nativeOf = (scorer) => scorer.#native;
  }

  /**
   * @param {{rules?: string, rulesJson?: string, rulesName?: string, asOf: string | Date,
   *   shadow?: string, rollout?: string, rolloutShare?: number}} options
   */
  constructor(options, adopted) {
    if (options === ADOPT) {
      this.#adopt(adopted);
      return;
    }
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw argError(
        'ERR_INVALID_ARG_TYPE',
        `options: expected an object such as { asOf: '2026-11-22' }, got ${typeOf(options)}`,
      );
    }
    for (const key of Object.keys(options)) {
      // Fail closed: a misspelt `rules` must not silently mean the default rules.
      if (!OPTIONS.has(key)) {
        throw argError(
          'ERR_INVALID_ARG_VALUE',
          `options: unknown option '${key}' (known: ${[...OPTIONS].join(', ')})`,
        );
      }
    }
    const rules = optionalString(options, 'rules');
    const rulesJson = optionalString(options, 'rulesJson');
    const rulesName = optionalString(options, 'rulesName');
    if (options.asOf === undefined) {
      throw argError('ERR_INVALID_ARG_TYPE', "asOf: required ('YYYY-MM-DD' or a Date)");
    }
    const asOf = asOfArg(options.asOf);
    if (rules !== undefined && rulesJson !== undefined) {
      throw argError('ERR_INVALID_ARG_VALUE', 'rules and rulesJson: give one or the other');
    }
    if (rulesName !== undefined && rulesJson === undefined) {
      throw argError(
        'ERR_INVALID_ARG_VALUE',
        'rulesName: names rulesJson in error messages; give it with rulesJson only',
      );
    }
    const shadow = optionalString(options, 'shadow');
    const rollout = optionalString(options, 'rollout');
    const rolloutShare =
      options.rolloutShare === undefined ? undefined : shareArg(options.rolloutShare, 'rolloutShare');
    if (shadow !== undefined && rollout !== undefined) {
      throw argError('ERR_INVALID_ARG_VALUE', 'shadow and rollout: give one or the other');
    }
    if (rollout !== undefined && rolloutShare === undefined) {
      throw argError(
        'ERR_INVALID_ARG_VALUE',
        'rollout: needs rolloutShare (the share of users, 0 to 1, it decides for)',
      );
    }
    if (rolloutShare !== undefined && rollout === undefined) {
      throw argError('ERR_INVALID_ARG_VALUE', 'rolloutShare: only with rollout (a challenger rules file)');
    }
    const made = native.newScorer(rules, rulesJson, rulesName, asOf, shadow, rollout, rolloutShare);
    if (!(made instanceof native.NativeScorer)) raise(made, Scorer);
    this.#adopt(made);
  }

  #adopt(made) {
    this.#native = made;
    this.#rules = Object.freeze(made.rules());
    this.#asOf = made.asOf();
    const shadowRules = made.shadowRules();
    this.#shadowRules = shadowRules == null ? null : Object.freeze(shadowRules);
    const share = made.rolloutShare();
    this.#rolloutShare = share == null ? null : share;
  }

  /** The challenger's identity (shadow or rollout), frozen; null without one. */
  get shadowRules() {
    return this.#shadowRules;
  }

  /** The share of users a staged rollout gives the challenger; null when there is none. */
  get rolloutShare() {
    return this.#rolloutShare;
  }

  /**
   * The same scorer with `other`'s rules as its shadow (its own challenger and date are not
   * taken); replaces a challenger this one had.
   * @param {Scorer} other
   * @returns {Scorer}
   */
  withShadow(other) {
    return new Scorer(ADOPT, this.#native.withShadow(scorerArg(other, 'other')));
  }

  /**
   * The same scorer running a staged rollout of `other`'s rules for `share` (0 to 1) of
   * users, chosen by their rollout key.
   * @param {Scorer} other
   * @param {number} share
   * @returns {Scorer}
   */
  withRollout(other, share) {
    const o = scorerArg(other, 'other');
    const made = this.#native.withRollout(o, shareArg(share, 'share'));
    if (!(made instanceof native.NativeScorer)) raise(made, this.withRollout);
    return new Scorer(ADOPT, made);
  }

  /** The same scorer without its shadow or rollout challenger. */
  withoutChallenger() {
    return new Scorer(ADOPT, this.#native.withoutChallenger());
  }

  /**
   * The same scorer (rules, challenger) deciding as of another day.
   * @param {string | Date} asOf
   * @returns {Scorer}
   */
  withAsOf(asOf) {
    const made = this.#native.withAsOf(asOfArg(asOf));
    if (!(made instanceof native.NativeScorer)) raise(made, this.withAsOf);
    return new Scorer(ADOPT, made);
  }

  /** The rule set's identity: `{ name, version, sha256 }` (frozen). */
  get rules() {
    return this.#rules;
  }

  /** The evaluation date, `YYYY-MM-DD`. */
  get asOf() {
    return this.#asOf;
  }

  /**
   * Decide on one response body (or an envelope `{"session", "applicant", "signals",
   * "rollout_key"}`).
   *
   * @param {string | Uint8Array} body the JSON of the response, as Plaid sent it
   * @param {object | string | Uint8Array} [applicant] what your backend knows of the user
   *   (an object is JSON.stringify'd); the decision then carries `match` scores
   * @param {{protect?, identityMatch?, identityVerification?, rolloutKey?: string}} [parts]
   *   Plaid's other response bodies for this user (`/protect/compute`, `/identity/match`,
   *   `/identity_verification/get`; objects, strings or Buffers, as `applicant`) and the
   *   user's rollout key, and `link`: the session's link history as
   *   `SqliteLinkStore.observe` returns it (the rules' link rules price it)
   * @returns {object} the decision record (the CLI's record without `line`)
   * @throws {ParseError} when the body (or a part) is not one
   */
  assess(body, applicant, parts) {
    return assessWith(this.#native, body, applicant, parts, this.assess);
  }

  /**
   * Score a JSONL export: exactly the bytes `layer-risk score --as-of D --jobs 1` prints
   * (one record per non-blank line, numbered; error records for bad lines). Synchronous:
   * it holds the event loop for the whole input.
   *
   * @param {string | Uint8Array} data
   * @returns {Buffer}
   */
  scoreJsonl(data) {
    return this.#native.scoreJsonl(bytesArg(data, 'data'));
  }

  /**
   * One record per line, as `scoreJsonl` writes it but without `line` and without the
   * newline (error records included, never thrown); `null` for a blank or null line.
   *
   * @param {Array<string | Uint8Array | null | undefined>} lines
   * @param {Array<object | null | undefined>} [links] one link history per line (or null)
   * @returns {Array<string | null>}
   */
  scoreLines(lines, links) {
    return linesOut(this.#native.scoreLines(linesArg(lines), linksArg(links)), this.scoreLines);
  }

  [inspect]() {
    return describe(this.#rules, this.#shadowRules, this.#rolloutShare, this.#asOf);
  }
}

/** The native scorer of a Scorer argument; a TypeError for anything else. */
function scorerArg(value, name) {
  if (!(value instanceof Scorer)) {
    throw argError('ERR_INVALID_ARG_TYPE', `${name}: expected a Scorer, got ${typeOf(value)}`);
  }
  return nativeOf(value);
}

/**
 * A Scorer that can be replaced while it is in use: what a long-running server holds to
 * reload its rules (on SIGHUP, a file change, a new day) without a restart. Every call
 * (`assess`, `scoreJsonl`, `scoreLines`) decides wholly under the scorer live when it
 * starts; a rules file that cannot be used throws RulesError and never becomes live.
 */
class LiveScorer {
  #native;

  /** @param {Scorer} scorer the scorer to start with */
  constructor(scorer) {
    this.#native = native.newLiveScorer(scorerArg(scorer, 'scorer'));
  }

  /** The scorer live now (a Scorer). */
  get current() {
    return new Scorer(ADOPT, this.#native.current());
  }

  /**
   * Make `scorer` live as it is; returns the scorer it replaced.
   * @param {Scorer} scorer
   * @returns {Scorer}
   */
  replace(scorer) {
    return new Scorer(ADOPT, this.#native.replace(scorerArg(scorer, 'scorer')));
  }

  /**
   * Load the rules file at `rules` (a path; none: the embedded default rules) as the live
   * rules, keeping the date and any challenger.
   * @param {string} [rules]
   * @returns {RulesId} the identity of the rules now live (frozen)
   * @throws {RulesError} when the file cannot be used; the live scorer is then unchanged
   */
  reload(rules) {
    if (rules !== undefined && rules !== null && typeof rules !== 'string') {
      throw argError('ERR_INVALID_ARG_TYPE', `rules: expected a path string, got ${typeOf(rules)}`);
    }
    const out = this.#native.reload(rules === null ? undefined : rules);
    if (out.kind !== undefined) raise(out, this.reload);
    return Object.freeze(out);
  }

  /**
   * As `reload`, with a rules file's text; `name` names it in errors (default `rulesJson`).
   * @param {string} text
   * @param {string} [name]
   * @returns {RulesId}
   * @throws {RulesError}
   */
  reloadJson(text, name = 'rulesJson') {
    if (typeof text !== 'string') {
      throw argError('ERR_INVALID_ARG_TYPE', `text: expected a string, got ${typeOf(text)}`);
    }
    if (typeof name !== 'string') {
      throw argError('ERR_INVALID_ARG_TYPE', `name: expected a string, got ${typeOf(name)}`);
    }
    const out = this.#native.reloadJson(text, name);
    if (out.kind !== undefined) raise(out, this.reloadJson);
    return Object.freeze(out);
  }

  /**
   * Decide as of another day from now on, keeping the rules and challenger.
   * @param {string | Date} asOf
   */
  setAsOf(asOf) {
    const failure = this.#native.setAsOf(asOfArg(asOf));
    if (failure != null) raise(failure, this.setAsOf);
  }

  /** `Scorer.assess` on the scorer live when the call starts. */
  assess(body, applicant, parts) {
    return assessWith(this.#native, body, applicant, parts, this.assess);
  }

  /** `Scorer.scoreJsonl` on the scorer live when the call starts (the whole input under it). */
  scoreJsonl(data) {
    return this.#native.scoreJsonl(bytesArg(data, 'data'));
  }

  /** `Scorer.scoreLines` on the scorer live when the call starts (every line under it). */
  scoreLines(lines, links) {
    return linesOut(this.#native.scoreLines(linesArg(lines), linksArg(links)), this.scoreLines);
  }

  [inspect]() {
    return `LiveScorer { ${this.current[inspect]()} }`;
  }
}

/** A link history (an object, or its JSON text) as the addon takes it: JSON text. */
function historyJson(h, name) {
  if (typeof h === 'string') return h;
  if (typeof h === 'object') return JSON.stringify(h);
  throw argError('ERR_INVALID_ARG_TYPE', `${name}: expected a link history object, got ${typeOf(h)}`);
}

/**
 * Link observations in one SQLite file (WAL; safe across processes on one host), keyed with
 * the caller's secret: what earlier sessions say about this one, as counts, never values.
 */
class SqliteLinkStore {
  #native;

  /**
   * @param {string} path the SQLite file (created if needed)
   * @param {string | Uint8Array} secret at least 32 bytes (one trailing newline dropped)
   * @param {{retentionDays?: number}} [options] how long observations are kept (400 days)
   * @throws {LinkError} when the secret is too short or the file cannot be used
   */
  constructor(path, secret, options = {}) {
    if (typeof path !== 'string') {
      throw argError('ERR_INVALID_ARG_TYPE', `path: expected a string, got ${typeOf(path)}`);
    }
    const days = options && options.retentionDays;
    if (days !== undefined && !(Number.isInteger(days) && days > 0)) {
      throw argError('ERR_INVALID_ARG_VALUE', 'retentionDays: expected a positive integer');
    }
    const made = native.newLinkStore(path, bytesArg(secret, 'secret'), days);
    if (!(made instanceof native.NativeLinkStore)) raise(made, SqliteLinkStore);
    this.#native = made;
  }

  /**
   * Record one session and return the history before it, to pass as
   * `scorer.assess(body, null, { link })`.
   * @param {string | Uint8Array} body the response or envelope
   * @param {{at?: number}} [options] Unix seconds, when the body has no `observed_at`
   */
  observe(body, options = {}) {
    const at = options && options.at;
    if (at !== undefined && !Number.isFinite(at)) {
      throw argError('ERR_INVALID_ARG_VALUE', 'at: expected Unix seconds');
    }
    const out = this.#native.observe(bytesArg(body, 'body'), at);
    if (typeof out === 'string') return JSON.parse(out);
    return raise(out, this.observe);
  }

  /** Erase every observation of the subject the body names; returns the rows removed. */
  erase(body) {
    const out = this.#native.erase(bytesArg(body, 'body'));
    if (typeof out === 'number') return out;
    return raise(out, this.erase);
  }

  /** Drop what was last seen before `now` (Unix seconds) less the retention horizon. */
  purge(now) {
    const out = this.#native.purge(now);
    if (typeof out === 'number') return out;
    return raise(out, this.purge);
  }

  /** The secret's key id (8 hex digits). */
  get keyId() {
    return this.#native.keyId();
  }
}

module.exports = {
  Scorer,
  LiveScorer,
  SqliteLinkStore,
  LayerRiskError,
  ParseError,
  RulesError,
  LinkError,
  DEFAULT_MAX_LINE_BYTES: native.DEFAULT_MAX_LINE_BYTES,
};
