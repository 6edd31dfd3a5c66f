// Types of the npm package `layer-risk` (index.js). Written by hand: the public API is the
// JavaScript wrapper, not the addon underneath it.

/// <reference types="node" />

/**
 * The outcomes, mildest first; `manual_review` is terminal (a person decides). Treat an
 * outcome this version does not list as `manual_review` (fail closed).
 */
export type Outcome = 'trust' | 'identity_match' | 'identity_verification' | 'manual_review';

/** A rule set's identity. */
export interface RulesId {
  /** The rules file's `name`. */
  readonly name: string;
  /** The rules file's `version`. */
  readonly version: string;
  /** SHA-256 of the rules file's bytes, hex. */
  readonly sha256: string;
}

/** One finding or fired rule, with the points it added. Never an identity value. */
export interface Reason {
  /** Stable reason code (the core's rules/README.md lists them). */
  code: string;
  /** The rule that priced it: the edit rule's id, or the finding code. */
  rule_id: string;
  /** The field it is about (`ssn`, `legal_name`, `phone_number`, ...). */
  field: string;
  /** For findings: `invalid`, `inconsistent`, `missing`, `risk` or `info`. */
  class?: string;
  /** For link rules (`code` `link_rule`): the link signal counted (`ssn_other_names`, ...). */
  signal?: string;
  /** For edit and link rules: the window counted. */
  window?: string;
  /** For edit rules over a difference of windows: the narrower window subtracted. */
  minus?: string;
  /** What was observed: a count, an age, a region (never an identity value). */
  observed?: number | string;
  /** The bound it was held against. */
  threshold?: number;
  /** Points it added to the score. */
  points: number;
  /** A tier it forced. */
  force?: Outcome;
  /** For a combined rule (`code` `combined_rule`): the reasons that all fired. */
  all_of?: string[];
  /**
   * For a signal rule (`code` `signal_rule`): the Plaid verdict it read
   * (`protect_trust_index`, `idv_synthetic_identity`, `idv_stolen_identity`).
   */
  signal?: string;
  /**
   * Who settled this doubt (`identity_match`, `identity_verification`): it then costs
   * nothing (`points` 0).
   */
  settled_by?: 'identity_match' | 'identity_verification' | (string & {});
  [key: string]: unknown;
}

/** One step of the outcome resolution. */
export interface Step {
  step:
    | 'score'
    | 'idv_passed_discount'
    | 'settleable_by_identity_match'
    | 'force'
    | 'invalid_identity_data'
    | 'finding_floor'
    | 'guardrail'
    | 'identity_match_cannot_settle'
    | 'identity_match_unavailable'
    | 'identity_match_already_ran'
    | 'idv_already_passed'
    | (string & {});
  /** The reason (finding code or rule id) behind it. */
  by?: string;
  outcome: Outcome;
}

/** Identity-consistency scores (0-100) and flags, when decided with an applicant. */
export interface MatchReport {
  legal_name: {
    score: number;
    is_first_name_or_last_name_match: boolean;
    is_nickname_match: boolean;
    is_business_name_detected: boolean;
  } | null;
  phone_number: { score: number } | null;
  email_address: { score: number } | null;
  address: { score: number; is_postal_code_match: boolean } | null;
  date_of_birth: { score: number; is_day_month_swap: boolean; is_single_digit_typo: boolean } | null;
  email_name?: { score: number };
}

/**
 * The decision record: `layer-risk score`'s record without its `line` field. Holds codes,
 * counts and Plaid's request id; never an identity value.
 */
export interface Decision {
  /** Plaid's request id, when the response had a well-formed one. */
  request_id: string | null;
  /**
   * The decision's id: 32 hex digits of a SHA-256 over the input bytes, the rule set's
   * SHA-256 and the evaluation date (the core's `DecisionId` documents it).
   */
  decision_id: string | null;
  /** What to do: trust the identity, or step the user up. */
  decision: Outcome;
  /** Sum of the reasons' points (less the IDV discount, when it applies). */
  score: number;
  /** Every finding and fired rule, heaviest first. */
  reasons: Reason[];
  /** How the outcome was reached: the score's tier first, then each step that moved it. */
  resolution: Step[];
  /** Present when the decision was made with an applicant. */
  match?: MatchReport;
  /** The challenger's decision on the same input, when the scorer has a shadow or rollout. */
  shadow?: ShadowDecision;
  /** Which arm of a staged rollout decided. */
  arm?: 'control' | 'challenger';
  rules: RulesId;
  /** The evaluation date, `YYYY-MM-DD`. */
  as_of: string;
  /** The libphonenumber metadata version behind the phone check. */
  phone_metadata: string;
}

/** The challenger's decision beside the live one. */
export interface ShadowDecision {
  decision_id: string | null;
  decision: Outcome;
  score: number;
  /** Rule ids of its reasons (a finding's rule id is its code), heaviest first. */
  reasons: string[];
  rules: RulesId;
}

/** What the backend knows of the user (the core's `Applicant`); all fields optional. */
export interface Applicant {
  name?: { full_name?: string; first_name?: string; middle_name?: string; last_name?: string };
  address?: {
    street?: string;
    street2?: string;
    city?: string;
    region?: string;
    postal_code?: string;
    country?: string;
  };
  phone_number?: string;
  email?: string;
  date_of_birth?: string;
  [key: string]: unknown;
}

export interface ScorerOptions {
  /** Path of a rules file, read like the CLI's `--rules` (relative to the process's cwd). */
  rules?: string;
  /** The text of a rules file. Not together with `rules`. */
  rulesJson?: string;
  /** The name `rulesJson` goes by in error messages (default `rulesJson`). */
  rulesName?: string;
  /**
   * The evaluation day: `'YYYY-MM-DD'`, or a Date at exactly midnight UTC (as
   * `new Date('2026-11-22')` makes); any other Date is refused with a TypeError.
   */
  asOf: string | Date;
  /**
   * Path of a challenger rules file run as a shadow: every decision carries its decision in
   * `shadow`, the live one untouched (as `layer-risk score --shadow FILE`). Not with
   * `rollout`.
   */
  shadow?: string;
  /**
   * Path of a challenger rules file that decides, as the live rules, for `rolloutShare` of
   * users, chosen by their rollout key (as `--rollout FILE --rollout-share X`); the
   * decision's `arm` says which did. Needs `rolloutShare`.
   */
  rollout?: string;
  /** The share of users (0 to 1) the `rollout` challenger decides for. Only with `rollout`. */
  rolloutShare?: number;
}

/** A Plaid response body beside the session: an object (JSON.stringify'd), or its JSON. */
export type PlaidBody = Record<string, unknown> | Input;

/** What a backend holds beside the Layer response, for `assess`. */
export interface AssessParts {
  /** The `/protect/compute` response body (the Trust Index). */
  protect?: PlaidBody | null;
  /** The `/identity/match` response body for the linked Item. */
  identityMatch?: PlaidBody | null;
  /** The `/identity_verification/get` response body of the user's Identity Verification. */
  identityVerification?: PlaidBody | null;
  /**
   * The user's stable id for a staged rollout (never an identity value: it is hashed, not
   * recorded).
   */
  rolloutKey?: string | null;
  /**
   * The session's link history, as `SqliteLinkStore.observe` returns it (or its JSON): the
   * rules' link rules price it.
   */
  link?: LinkHistory | string | null;
}

/** Bytes in: a string is encoded as UTF-8 (as `Buffer.from` does). */
export type Input = string | Buffer | Uint8Array;

export declare class Scorer {
  /**
   * @throws {RulesError} when the rules file cannot be read or used
   * @throws {TypeError} on a bad option (unknown key, both rules and rulesJson, bad asOf)
   */
  constructor(options: ScorerOptions);
  /** The rule set's identity (frozen). */
  readonly rules: RulesId;
  /** The evaluation date, `YYYY-MM-DD`. */
  readonly asOf: string;
  /** The challenger's identity (shadow or rollout), frozen; null without one. */
  readonly shadowRules: RulesId | null;
  /** The share of users a staged rollout gives the challenger; null when there is none. */
  readonly rolloutShare: number | null;
  /** The same scorer with `other`'s rules as its shadow (this scorer's date). */
  withShadow(other: Scorer): Scorer;
  /**
   * The same scorer running a staged rollout of `other`'s rules for `share` (0 to 1) of users.
   * @throws {RangeError} for a share outside 0..1 (code `ERR_OUT_OF_RANGE`)
   */
  withRollout(other: Scorer, share: number): Scorer;
  /** The same scorer without its shadow or rollout challenger. */
  withoutChallenger(): Scorer;
  /** The same scorer (rules, challenger) deciding as of another day. */
  withAsOf(asOf: string | Date): Scorer;
  /**
   * Decide on one response body (or an envelope `{"session", "applicant", "signals",
   * "rollout_key"}`); with `applicant`, compared with what you know of the user; with
   * `parts`, with Plaid's other verdicts and the user's rollout key (the same decision as
   * the envelope carrying them; the `decision_id` differs: it covers the bytes as given).
   * @throws {ParseError} when the input is not a response (or a part not what it claims:
   *   its path then starts `applicant.` or `signals.identity_match.`...)
   */
  assess(body: Input, applicant?: Applicant | object | Input | null, parts?: AssessParts | null): Decision;
  /**
   * Exactly what `layer-risk score --as-of D --jobs 1` prints for `data`. Synchronous.
   */
  scoreJsonl(data: Input): Buffer;
  /**
   * One record per line (decision or `{"error": ...}` record, no `line` field, no newline);
   * `null` for a blank or null line.
   */
  scoreLines(
    lines: ReadonlyArray<Input | null | undefined>,
    links?: ReadonlyArray<LinkHistory | string | null | undefined>,
  ): Array<string | null>;
}

/** One link signal's counts in the windows the rules read. */
export interface LinkCounts {
  '1d': number;
  '30d': number;
  '365d': number;
  all_time: number;
}

/**
 * What earlier sessions say about this one, as counts (never values): what
 * `SqliteLinkStore.observe` returns and `assess(..., { link })` takes. A signal left out
 * counts 0.
 */
export interface LinkHistory {
  ssn_other_names?: Partial<LinkCounts>;
  ssn_other_dobs?: Partial<LinkCounts>;
  phone_other_identities?: Partial<LinkCounts>;
  email_other_identities?: Partial<LinkCounts>;
  address_identities?: Partial<LinkCounts>;
  identity_sessions?: Partial<LinkCounts>;
  /** Whole days since the SSN was first seen; absent when it never was. */
  ssn_first_seen_days?: number;
}

/** Link observations in one SQLite file, keyed with your secret (at least 32 bytes). */
export declare class SqliteLinkStore {
  /** @throws {LinkError} when the secret is too short or the file cannot be used */
  constructor(path: string, secret: Input, options?: { retentionDays?: number });
  /**
   * Record one session and return the history before it. `at` (Unix seconds) is used when
   * the body has no `observed_at`.
   * @throws {ParseError} when the body is not a response
   */
  observe(body: Input, options?: { at?: number }): LinkHistory;
  /** Erase every observation of the subject the body names; the rows removed. */
  erase(body: Input): number;
  /** Drop what was last seen before `now` (Unix seconds) less the retention horizon. */
  purge(now: number): number;
  /** The secret's key id (8 hex digits). */
  readonly keyId: string;
}

/**
 * A Scorer that can be replaced while it is in use (reload on SIGHUP, a file change, a new
 * day). Every call decides wholly under the scorer live when it starts; a rules file that
 * cannot be used throws RulesError and never becomes live.
 */
export declare class LiveScorer {
  constructor(scorer: Scorer);
  /** The scorer live now. */
  readonly current: Scorer;
  /** Make `scorer` live as it is; returns the one it replaced. */
  replace(scorer: Scorer): Scorer;
  /**
   * Load the rules file at `rules` (none: the embedded default rules) as the live rules,
   * keeping the date and challenger; the identity of the rules now live.
   * @throws {RulesError} when the file cannot be used (the live scorer unchanged)
   */
  reload(rules?: string | null): RulesId;
  /** As `reload`, with a rules file's text; `name` names it in errors (default `rulesJson`). */
  reloadJson(text: string, name?: string): RulesId;
  /** Decide as of another day from now on, keeping the rules and challenger. */
  setAsOf(asOf: string | Date): void;
  /** `Scorer.assess` on the scorer live when the call starts. */
  assess(body: Input, applicant?: Applicant | object | Input | null, parts?: AssessParts | null): Decision;
  /** `Scorer.scoreJsonl` on the scorer live when the call starts. */
  scoreJsonl(data: Input): Buffer;
  /** `Scorer.scoreLines` on the scorer live when the call starts. */
  scoreLines(
    lines: ReadonlyArray<Input | null | undefined>,
    links?: ReadonlyArray<LinkHistory | string | null | undefined>,
  ): Array<string | null>;
}

/** The base of ParseError and RulesError: a located problem with a stable code. */
export declare class LayerRiskError extends Error {
  constructor(
    message: string,
    fields?: { code?: string; line?: number; column?: number; path?: string | null },
  );
  /** The stable code (see ParseError and RulesError). */
  code: string;
  /** 1-based line (within the body, or the rules file). */
  line: number;
  /** 1-based column, in bytes. */
  column: number;
  /** The field path (`identity.name`, `applicant.date_of_birth`, `edit_rules[2].window`), or null. */
  path: string | null;
}

/**
 * A body that is not a Plaid Layer response. The message never quotes the input. `code`:
 * `invalid_utf8`, `truncated`, `invalid_json`, `wrong_type`, `invalid_value`,
 * `duplicate_field`, `not_an_object`, `ambiguous_envelope`, `line_too_long` or
 * `invalid_data`.
 */
export declare class ParseError extends LayerRiskError {
  readonly name: 'ParseError';
}

/** A rules file that cannot be read or used. `code`: `syntax`, `schema`, `semantic`, `unpriced` or `io`. */
export declare class RulesError extends LayerRiskError {
  readonly name: 'RulesError';
}

/** A link secret or store that cannot be used. `code`: `ERR_LINK`. Never quotes the secret. */
export declare class LinkError extends LayerRiskError {
  readonly name: 'LinkError';
}

/** The longest line, in bytes, `scoreJsonl` and `scoreLines` parse (`line_too_long` past it). */
export declare const DEFAULT_MAX_LINE_BYTES: number;
