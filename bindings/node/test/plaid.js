'use strict';
// Plaid response bodies for the tests, in the shapes Plaid's generated clients define (the
// core's tests/it/signals.rs, from plaid-python v43's models): a clean
// /user_account/session/get body, and full /protect/compute, /identity/match and
// /identity_verification/get bodies with fields this release does not know, plus an
// /identity/match body of older API versions with nulls and absent keys.

const zeroCounts = () => ({ edits_current: 0, edits_1d: 0, edits_30d: 0, edits_365d: 0, edits_all_time: 0 });

/** A clean session body (the core's tests' `base()`). */
function base() {
  return {
    identity: {
      name: { first_name: 'Leslie', last_name: 'Knope' },
      address: { street: '123 Main St.', street2: 'Apt 4', city: 'Pawnee', region: 'IN', postal_code: '46001', country: 'US' },
      phone_number: '+14157452130',
      email: 'leslie@knope.com',
      date_of_birth: '1975-01-18',
      ssn: '524781963',
      ssn_last_4: '1963',
    },
    identity_edit_history: {
      name: zeroCounts(),
      address: zeroCounts(),
      email: zeroCounts(),
      date_of_birth: zeroCounts(),
      official_document: { ssn: zeroCounts() },
    },
    items: [{ item_id: 'item-fixture-1', access_token: 'access-sandbox-fixture-0001' }],
    request_id: 'reqBase',
  };
}

/** `base()` with `field` edited `n` times in every window. */
function edited(field, n) {
  const b = base();
  const counts = Object.fromEntries(Object.keys(zeroCounts()).map((k) => [k, n]));
  if (field === 'ssn') b.identity_edit_history.official_document.ssn = counts;
  else b.identity_edit_history[field] = counts;
  return b;
}

function protect(score) {
  return {
    request_id: 'Rb7kQ2xLm9',
    score,
    model: 'ti-link-session-2.0',
    attributes: { 'session.challenged_with_mfa': false, 'device.ip_risk': 'low' },
    subscores: { cash_advance_bucket_0_25: null, cash_advance_bucket_25_50: 61 },
    timestamp: '2026-08-03T17:22:09Z',
    fraud_attributes_v3: { future: [1, 2, 3] },
  };
}

function identityMatch([n0, n1], { phone = null, email = null, address = null } = {}) {
  const account = (id, mask, n, p, e, a) => ({
    account_id: id,
    mask,
    name: 'Plaid Checking',
    official_name: 'Plaid Gold Standard 0% Interest Checking',
    type: 'depository',
    subtype: 'checking',
    verification_status: null,
    persistent_account_id: null,
    holder_category: 'personal',
    balances: {
      available: null, current: null, limit: null, iso_currency_code: null,
      unofficial_currency_code: null, last_updated_datetime: null,
    },
    legal_name: { score: n, is_first_name_or_last_name_match: true, is_nickname_match: false, is_business_name_detected: false },
    phone_number: { score: p },
    email_address: { score: e },
    address: { score: a, is_postal_code_match: true },
  });
  return {
    accounts: [
      account('BxLp4kQz9w', '0042', n0, phone, email, address),
      account('Qz9wBxLp4k', '7781', n1, null, null, null),
    ],
    item: {
      item_id: 'Ed6bjNrD', institution_id: 'ins_109508', webhook: null, available_products: [],
      billed_products: ['identity'], consent_expiration_time: null, update_type: 'background',
    },
    request_id: 'm8MDnv9o',
  };
}

function identityMatchOld() {
  return {
    accounts: [{
      account_id: 'BxLp4kQz9w',
      mask: '0042',
      balances: { available: null, current: null },
      legal_name: null,
      phone_number: {},
      address: { is_postal_code_match: null },
    }],
    item: { item_id: 'Ed6bjNrD' },
    request_id: 'm8MDnv9o',
  };
}

function idvUser() {
  return {
    phone_number: '+14157452130',
    date_of_birth: '1975-01-18',
    ip_address: '203.0.113.77',
    email_address: 'leslie@knope.com',
    name: { given_name: 'Leslie', family_name: 'Knope' },
    address: { street: '123 Main St.', street2: 'Apt 4', city: 'Pawnee', region: 'IN', postal_code: '46001', country: 'US' },
    id_number: { value: '524781963', type: 'us_ssn' },
  };
}

function idv(status, user, synthetic, stolen) {
  return {
    id: 'idv_7Qm2Zr8K',
    client_user_id: 'user-5521',
    created_at: '2026-11-20T16:02:11Z',
    completed_at: '2026-11-20T16:09:40Z',
    previous_attempt_id: null,
    shareable_url: null,
    template: { id: 'idvtmp_4FrXJvfQU3zGUR', version: 2 },
    status,
    steps: {
      accept_tos: 'success', verify_sms: 'success', kyc_check: 'success',
      documentary_verification: 'success', selfie_check: 'success',
      watchlist_screening: 'success', risk_check: 'success',
    },
    documentary_verification: {
      status: 'success',
      documents: [{
        status: 'success',
        attempt: 1,
        images: { original_front: null, original_back: null, cropped_front: null, cropped_back: null, face: null },
        extracted_data: {
          id_number: 'D1234567', category: 'drivers_license', expiration_date: '2030-01-18',
          issuing_country: 'US', issuing_region: 'IN', date_of_birth: '1975-01-18', address: null, name: null,
        },
        analysis: {
          authenticity: 'match',
          image_quality: 'high',
          extracted_data: { name: 'match', date_of_birth: 'match', expiration_date: 'not_expired', issuing_country: 'match' },
          fraud_analysis_details: null,
          human_review: null,
        },
        redacted_at: null,
      }],
    },
    selfie_check: {
      status: 'success',
      selfies: [{
        status: 'success',
        attempt: 1,
        capture: { image_url: null, video_url: null },
        analysis: { document_comparison: 'match', liveness_check: 'success', age_check: { status: 'match' } },
      }],
    },
    kyc_check: {
      status: 'success',
      address: { summary: 'match', po_box: 'no', type: 'residential' },
      name: { summary: 'match' },
      date_of_birth: { summary: 'match' },
      id_number: { summary: 'match' },
      phone_number: { summary: 'match', area_code: 'match' },
    },
    risk_check: {
      status: 'success',
      behavior: { user_interactions: 'genuine', fraud_ring_detected: 'no', bot_detected: 'no' },
      email: {
        is_deliverable: 'yes', breach_count: 2, first_breached_at: null, last_breached_at: null,
        domain_registered_at: null, domain_is_free_provider: 'no', domain_is_custom: 'yes',
        domain_is_disposable: 'no', top_level_domain_is_suspicious: 'no',
        linked_services: ['linkedin'], name: 'match',
      },
      phone: { linked_services: [] },
      devices: [{ ip_proxy_type: 'none_detected', ip_spam_list_count: 0, ip_timezone_offset: '-05:00:00' }],
      identity_abuse_signals: { synthetic_identity: { score: synthetic }, stolen_identity: { score: stolen } },
      facial_duplicates: [],
      trust_index_score: 78,
    },
    verify_sms: { status: 'success', verifications: [] },
    watchlist_screening_id: null,
    beacon_user_id: null,
    user,
    redacted_at: null,
    latest_scored_protect_event: null,
    request_id: 'saKrIBuEB9qJZng',
  };
}

module.exports = { base, edited, protect, identityMatch, identityMatchOld, idvUser, idv };
