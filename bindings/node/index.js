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

const OPTIONS = new Set(['rules', 'rulesJson', 'rulesName', 'asOf']);

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

  /**
   * @param {{rules?: string, rulesJson?: string, rulesName?: string, asOf: string | Date}} options
   */
  constructor(options) {
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
    const made = native.newScorer(rules, rulesJson, rulesName, asOf);
    if (!(made instanceof native.NativeScorer)) raise(made, Scorer);
    this.#native = made;
    this.#rules = Object.freeze(made.rules());
    this.#asOf = made.asOf();
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
   * Decide on one response body (or a `{"session", "applicant"}` envelope).
   *
   * @param {string | Uint8Array} body the JSON of the response, as Plaid sent it
   * @param {object | string | Uint8Array} [applicant] what your backend knows of the user
   *   (an object is JSON.stringify'd); the decision then carries `match` scores
   * @param {{link?: object}} [options] `link`: the session's link history, as
   *   `SqliteLinkStore.observe` returns it; the rules' link rules price it
   * @returns {object} the decision record (the CLI's record without `line`)
   * @throws {ParseError} when the body (or applicant) is not one
   */
  assess(body, applicant, options) {
    const b = bytesArg(body, 'body');
    const link = linkArg(options);
    let out;
    if (applicant === undefined || applicant === null) {
      out = this.#native.assess(b, undefined, link);
    } else {
      let a;
      if (typeof applicant === 'string' || isBytes(applicant)) {
        a = bytesArg(applicant, 'applicant');
      } else if (typeof applicant === 'object') {
        a = JSON.stringify(applicant);
        if (typeof a !== 'string') {
          throw argError('ERR_INVALID_ARG_VALUE', 'applicant: does not serialize to JSON');
        }
      } else {
        throw argError(
          'ERR_INVALID_ARG_TYPE',
          `applicant: expected an object, a string or a Buffer, got ${typeOf(applicant)}`,
        );
      }
      out = this.#native.assess(b, a, link);
    }
    if (typeof out === 'string') return JSON.parse(out);
    return raise(out, this.assess);
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
    let histories;
    if (links !== undefined && links !== null) {
      if (!Array.isArray(links)) {
        throw argError('ERR_INVALID_ARG_TYPE', `links: expected an array, got ${typeOf(links)}`);
      }
      histories = links.map((h) => (h === null || h === undefined ? null : historyJson(h, 'links')));
    }
    const out = this.#native.scoreLines(items, histories);
    if (!Array.isArray(out)) return raise(out, this.scoreLines);
    for (let i = 0; i < out.length; i++) {
      if (out[i] === undefined) out[i] = null;
    }
    return out;
  }

  [inspect]() {
    return `Scorer { rules: '${this.#rules.name}@${this.#rules.version}', asOf: '${this.#asOf}' }`;
  }
}

/** A link history (an object, or its JSON text) as the addon takes it: JSON text. */
function historyJson(h, name) {
  if (typeof h === 'string') return h;
  if (typeof h === 'object') return JSON.stringify(h);
  throw argError('ERR_INVALID_ARG_TYPE', `${name}: expected a link history object, got ${typeOf(h)}`);
}

function linkArg(options) {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw argError('ERR_INVALID_ARG_TYPE', `options: expected an object such as { link }, got ${typeOf(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (key !== 'link') {
      throw argError('ERR_INVALID_ARG_VALUE', `options: unknown option '${key}' (known: link)`);
    }
  }
  return options.link === undefined || options.link === null
    ? undefined
    : historyJson(options.link, 'link');
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
  SqliteLinkStore,
  LayerRiskError,
  ParseError,
  RulesError,
  LinkError,
  DEFAULT_MAX_LINE_BYTES: native.DEFAULT_MAX_LINE_BYTES,
};
