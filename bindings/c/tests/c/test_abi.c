/*
 * The C ABI from C, as a C caller uses it: every function, every error family, every free.
 * ci.sh runs it under `valgrind --leak-check=full --error-exitcode=1`, so a leak, a double
 * free or a read past a buffer fails the build.
 *
 *   test_abi EXPORT.jsonl EXPECTED.jsonl RULES_DIR SHADOW.jsonl ROLLOUT_EXPORT.jsonl ROLLOUT.jsonl SIGNALS_DIR
 *
 * Made by ci.sh: EXPECTED is `layer-risk score --as-of 2026-11-22 --jobs 1 EXPORT`, SHADOW the
 * same with `--shadow RULES_DIR/lending.json`; ROLLOUT_EXPORT is EXPORT with a `rollout_key`
 * on every line (wrapped in an envelope), ROLLOUT its records under `--rollout
 * RULES_DIR/payments.json --rollout-share 0.3`. RULES_DIR holds the shipped rules files,
 * SIGNALS_DIR Plaid bodies (bindings/c/tests/signals). Prints `N passed, M failed` and exits
 * non-zero on a failure. LR_TEST_ROUNDS=N runs everything N times; LR_TEST_NO_THREADS=1
 * leaves out the thread tests.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layer_risk.h"

static int passed, failed;

#define CHECK(cond)                                                              \
  do {                                                                           \
    if (cond) {                                                                  \
      passed++;                                                                  \
    } else {                                                                     \
      failed++;                                                                  \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
    }                                                                            \
  } while (0)

static const char *AS_OF = "2026-11-22";
static const char *BODY =
    "{\"identity\": {\"name\": {\"first_name\": \"Leslie\", \"last_name\": \"Knope\"},"
    " \"date_of_birth\": \"1975-01-18\", \"ssn\": \"987654321\", \"phone_number\": \"+14155550015\"},"
    " \"items\": [{\"item_id\": \"it1\", \"access_token\": \"access-sandbox-x\"}],"
    " \"request_id\": \"m8MDnv9okwxFNBV\"}";

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    exit(2);
  }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc(n > 0 ? (size_t)n : 1);
  if (n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n) {
    perror(path);
    exit(2);
  }
  fclose(f);
  *len = (size_t)n;
  return buf;
}

static int str_is(LrStr s, const char *want) {
  return s.ptr != NULL && s.len == strlen(want) && memcmp(s.ptr, want, s.len) == 0;
}

static LrScorer *new_scorer(const char *rules_path) {
  LrOptions *opts = lr_options_new();
  LrError *err = NULL;
  CHECK(opts != NULL);
  if (rules_path) CHECK(lr_options_set_rules_file(opts, rules_path, &err) == LR_OK);
  CHECK(lr_options_set_as_of(opts, AS_OF, &err) == LR_OK);
  LrScorer *s = NULL;
  CHECK(lr_scorer_new(opts, &s, &err) == LR_OK);
  CHECK(err == NULL);
  lr_options_free(opts);
  return s;
}

static void test_versions(void) {
  CHECK(lr_abi_version() == LR_ABI_VERSION);
  CHECK(strcmp(lr_version(), "0.1.0") == 0);
}

static void test_scorer_and_assess(void) {
  LrScorer *s = new_scorer(NULL);
  CHECK(strcmp(lr_scorer_rules_name(s), "default") == 0);
  CHECK(strlen(lr_scorer_rules_sha256(s)) == 64);
  CHECK(strlen(lr_scorer_rules_version(s)) > 0);
  CHECK(strcmp(lr_scorer_as_of(s), AS_OF) == 0);

  LrRecord *rec = NULL;
  LrError *err = NULL;
  int rc = lr_assess(s, (const uint8_t *)BODY, strlen(BODY), NULL, 0, &rec, &err);
  CHECK(rc == LR_OK);
  CHECK(err == NULL);
  CHECK(rec != NULL);
  if (rec) {
    CHECK(rec->json_len > 0 && rec->json[0] == '{' && rec->json[rec->json_len - 1] == '}');
    CHECK(memmem(rec->json, rec->json_len, "\"line\"", 6) == NULL);
    CHECK(str_is(rec->request_id, "m8MDnv9okwxFNBV"));
    /* One block: everything the record points to lies within `size` bytes of it. */
    const char *lo = (const char *)rec, *hi = lo + rec->size;
    CHECK((const char *)rec->json >= lo && (const char *)rec->json + rec->json_len <= hi);
    CHECK(rec->request_id.ptr >= lo && rec->request_id.ptr + rec->request_id.len <= hi);
    CHECK(rec->decision >= LR_DECISION_TRUST && rec->decision <= LR_DECISION_MANUAL_REVIEW);
    /* The decision id: 32 hex digits in the block, the record's own; no shadow, no arm. */
    CHECK(rec->decision_id.len == 32 && rec->decision_id.ptr >= lo && rec->decision_id.ptr + 32 <= hi);
    CHECK(memmem(rec->json, rec->json_len, rec->decision_id.ptr, 32) != NULL);
    CHECK(rec->arm == LR_ARM_NONE && rec->shadow_decision == LR_DECISION_NONE && rec->shadow_decision_id.ptr == NULL);
    for (size_t i = 0; i < rec->reasons_len; i++) {
      CHECK(rec->reasons[i].code.len > 0 && rec->reasons[i].rule_id.len > 0);
    }
    /* No identity value in the record. */
    CHECK(memmem(rec->json, rec->json_len, "Knope", 5) == NULL);
    CHECK(memmem(rec->json, rec->json_len, "987654321", 9) == NULL);
    lr_record_free(rec);
  }

  /* With an applicant: a match report appears. */
  const char *applicant = "{\"name\": {\"full_name\": \"Leslie Knope\"}, \"date_of_birth\": \"1975-01-18\"}";
  rec = NULL;
  rc = lr_assess(s, (const uint8_t *)BODY, strlen(BODY), (const uint8_t *)applicant,
                 strlen(applicant), &rec, &err);
  CHECK(rc == LR_OK);
  if (rec) {
    CHECK(memmem(rec->json, rec->json_len, "\"match\":{", 9) != NULL);
    lr_record_free(rec);
  }

  /* Into the caller's buffer: the same record, nothing to free; too small says how much. */
  {
    _Alignas(8) uint8_t buf[8192];
    size_t needed = 0;
    err = NULL;
    rec = NULL;
    CHECK(lr_assess(s, (const uint8_t *)BODY, strlen(BODY), NULL, 0, &rec, NULL) == LR_OK);
    CHECK(lr_assess_into(s, (const uint8_t *)BODY, strlen(BODY), NULL, 0, buf, sizeof buf, &needed, &err) == LR_OK);
    const LrRecord *into = (const LrRecord *)buf;
    CHECK(rec && needed == into->size && into->json_len == rec->json_len &&
          memcmp(into->json, rec->json, rec->json_len) == 0);
    CHECK((const uint8_t *)into->json > buf && (const uint8_t *)into->json < buf + needed);
    lr_record_free(rec);
    CHECK(lr_assess_into(s, (const uint8_t *)BODY, strlen(BODY), NULL, 0, buf, 16, &needed, &err) == LR_ERR_BUFFER);
    if (err) {
      CHECK(strcmp(err->code, "buffer_too_small") == 0);
      lr_error_free(err);
    }
    CHECK(needed == into->size);
  }

  /* A null request id and reasons. */
  const char *none = "{\"identity\": null}";
  rec = NULL;
  CHECK(lr_assess(s, (const uint8_t *)none, strlen(none), NULL, 0, &rec, NULL) == LR_OK);
  if (rec) {
    CHECK(rec->request_id.ptr == NULL);
    CHECK(rec->decision == LR_DECISION_IDENTITY_VERIFICATION);
    CHECK(rec->reasons_len > 0 && str_is(rec->reasons[0].code, "identity_missing"));
    lr_record_free(rec);
  }
  lr_scorer_free(s);
}

static void test_errors(void) {
  LrScorer *s = new_scorer(NULL);
  LrRecord *rec = NULL;
  LrError *err = NULL;

  /* Truncated: code, line, column, path; the message names no value. */
  const char *cut = "{\"identity\": {\"name\": {\"first_name\": \"Leslie\", \"last_name\": \"Kno";
  int rc = lr_assess(s, (const uint8_t *)cut, strlen(cut), NULL, 0, &rec, &err);
  CHECK(rc == LR_ERR_PARSE);
  CHECK(rec == NULL);
  CHECK(err != NULL);
  if (err) {
    CHECK(err->status == LR_ERR_PARSE);
    CHECK(strcmp(err->code, "truncated") == 0);
    CHECK(err->line == 1 && err->column == strlen(cut));
    CHECK(err->path != NULL && strcmp(err->path, "identity.name.last_name") == 0);
    CHECK(strstr(err->message, "Leslie") == NULL && strstr(err->message, "Kno\"") == NULL);
    CHECK(err->decision_id != NULL && strlen(err->decision_id) == 32);
    lr_error_free(err);
  }

  /* Without an err pointer the status alone comes back, nothing leaks. */
  CHECK(lr_assess(s, (const uint8_t *)"[1]", 3, NULL, 0, &rec, NULL) == LR_ERR_PARSE);

  /* Invalid UTF-8. */
  const char bad[] = "{\"identity\": {\"name\": \"\xc3\x28\"}}";
  err = NULL;
  CHECK(lr_assess(s, (const uint8_t *)bad, sizeof bad - 1, NULL, 0, &rec, &err) == LR_ERR_PARSE);
  if (err) {
    CHECK(strcmp(err->code, "invalid_utf8") == 0);
    CHECK(err->path == NULL);
    lr_error_free(err);
  }

  /* Applicant errors carry the applicant's path. */
  err = NULL;
  CHECK(lr_assess(s, (const uint8_t *)BODY, strlen(BODY), (const uint8_t *)"{\"name\": 7}", 11,
                  &rec, &err) == LR_ERR_PARSE);
  if (err) {
    CHECK(strcmp(err->code, "wrong_type") == 0);
    CHECK(err->path && strcmp(err->path, "applicant.name") == 0);
    CHECK(err->decision_id == NULL); /* an applicant apart: no CLI record to match */
    lr_error_free(err);
  }

  /* Bad arguments. */
  err = NULL;
  CHECK(lr_assess(NULL, (const uint8_t *)BODY, 1, NULL, 0, &rec, &err) == LR_ERR_ARGUMENT);
  if (err) {
    CHECK(strcmp(err->code, "invalid_argument") == 0);
    lr_error_free(err);
  }
  err = NULL;
  CHECK(lr_assess(s, NULL, 5, NULL, 0, &rec, &err) == LR_ERR_ARGUMENT);
  lr_error_free(err);
  err = NULL;
  CHECK(lr_assess(s, (const uint8_t *)BODY, strlen(BODY), NULL, 0, NULL, &err) == LR_ERR_ARGUMENT);
  lr_error_free(err);
  /* NULL with length 0 is the empty body: a parse error, not an argument error. */
  err = NULL;
  CHECK(lr_assess(s, NULL, 0, NULL, 0, &rec, &err) == LR_ERR_PARSE);
  lr_error_free(err);

  /* Options: dates, rules. */
  LrOptions *opts = lr_options_new();
  err = NULL;
  CHECK(lr_options_set_as_of(opts, "2026-02-30", &err) == LR_ERR_ARGUMENT);
  if (err) {
    CHECK(strstr(err->message, "2026-02-30") == NULL);
    lr_error_free(err);
  }
  err = NULL;
  LrScorer *none = NULL;
  CHECK(lr_scorer_new(opts, &none, &err) == LR_ERR_ARGUMENT); /* no date yet */
  CHECK(none == NULL);
  lr_error_free(err);

  const char *broken = "{\"name\": \"t\",\n \"versoin\": \"1\"}";
  err = NULL;
  CHECK(lr_options_set_rules(opts, (const uint8_t *)broken, strlen(broken), "t.json", &err) == LR_ERR_RULES);
  if (err) {
    CHECK(err->status == LR_ERR_RULES);
    CHECK(strcmp(err->code, "schema") == 0);
    CHECK(err->line == 2 && err->column == 10);
    CHECK(strncmp(err->message, "t.json:2:10: ", 13) == 0);
    lr_error_free(err);
  }
  err = NULL;
  CHECK(lr_options_set_rules_file(opts, "/nonexistent/rules.json", &err) == LR_ERR_RULES);
  if (err) {
    CHECK(strcmp(err->code, "io") == 0);
    CHECK(err->path == NULL);
    lr_error_free(err);
  }
  CHECK(lr_options_set_rules_default(opts, NULL) == LR_OK);
  CHECK(lr_options_set_as_of(opts, AS_OF, NULL) == LR_OK);
  CHECK(lr_scorer_new(opts, &none, NULL) == LR_OK);
  lr_scorer_free(none);
  lr_options_free(opts);

  /* A corrupt gzip stream. */
  const unsigned char gz[] = {0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02, 0x03};
  LrBytes out = {0};
  err = NULL;
  CHECK(lr_score_jsonl(s, gz, sizeof gz, &out, &err) == LR_ERR_INPUT);
  CHECK(out.data == NULL);
  if (err) {
    CHECK(strcmp(err->code, "io") == 0);
    lr_error_free(err);
  }

  /* Frees take NULL. */
  lr_record_free(NULL);
  lr_error_free(NULL);
  lr_scorer_free(NULL);
  lr_options_free(NULL);
  lr_bytes_free(NULL);
  lr_scorer_free(s);
}

static void test_score_jsonl(const char *export_path, const char *expected_path, const char *rules_dir) {
  char rules[4096];
  snprintf(rules, sizeof rules, "%s/lending.json", rules_dir);
  size_t n, m;
  char *data = read_file(export_path, &n);
  char *expected = read_file(expected_path, &m);
  LrScorer *s = new_scorer(NULL);
  LrBytes out = {0};
  LrError *err = NULL;
  CHECK(lr_score_jsonl(s, (const uint8_t *)data, n, &out, &err) == LR_OK);
  CHECK(out.len == m && memcmp(out.data, expected, m) == 0);
  lr_bytes_free(&out);
  CHECK(out.data == NULL && out.len == 0);
  lr_bytes_free(&out); /* twice is harmless */

  /* Empty input: no records, no allocation. */
  CHECK(lr_score_jsonl(s, NULL, 0, &out, &err) == LR_OK);
  CHECK(out.len == 0);
  lr_bytes_free(&out);

  /* A rules file gives another rule set. */
  LrScorer *lending = new_scorer(rules);
  CHECK(strcmp(lr_scorer_rules_name(lending), "lending") == 0);
  CHECK(lr_score_jsonl(lending, (const uint8_t *)data, n, &out, &err) == LR_OK);
  CHECK(out.len > 0 && memmem(out.data, out.len, "\"name\":\"lending\"", 16) != NULL);
  lr_bytes_free(&out);
  lr_scorer_free(lending);
  lr_scorer_free(s);
  free(data);
  free(expected);
}

struct job {
  const LrScorer *scorer;
  int ok;
};

static void *worker(void *arg) {
  struct job *j = arg;
  j->ok = 1;
  for (int i = 0; i < 200; i++) {
    LrRecord *rec = NULL;
    LrError *err = NULL;
    if (lr_assess(j->scorer, (const uint8_t *)BODY, strlen(BODY), NULL, 0, &rec, &err) != LR_OK) j->ok = 0;
    lr_record_free(rec);
    if (lr_assess(j->scorer, (const uint8_t *)"{", 1, NULL, 0, &rec, &err) != LR_ERR_PARSE) j->ok = 0;
    lr_error_free(err);
  }
  return NULL;
}

static void test_threads(void) {
  LrScorer *s = new_scorer(NULL);
  pthread_t t[4];
  struct job jobs[4];
  for (int i = 0; i < 4; i++) {
    jobs[i].scorer = s;
    pthread_create(&t[i], NULL, worker, &jobs[i]);
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(t[i], NULL);
    CHECK(jobs[i].ok);
  }
  lr_scorer_free(s);
}


/* Blank out the 32 hex digits after every "decision_id":" (the ids cover the bytes as given). */
static void strip_ids(char *s, size_t n) {
  static const char key[] = "\"decision_id\":\"";
  char *p = s;
  while ((p = memmem(p, n - (size_t)(p - s), key, sizeof key - 1)) != NULL) {
    p += sizeof key - 1;
    if ((size_t)(p - s) + 32 <= n) memset(p, '0', 32);
  }
}

static LrScorer *scorer_with(const char *challenger_path, double share) {
  LrOptions *opts = lr_options_new();
  LrError *err = NULL;
  if (share < 0) {
    CHECK(lr_options_set_shadow_rules_file(opts, challenger_path, &err) == LR_OK);
  } else {
    CHECK(lr_options_set_rollout_rules_file(opts, challenger_path, share, &err) == LR_OK);
  }
  CHECK(lr_options_set_as_of(opts, AS_OF, &err) == LR_OK);
  LrScorer *s = NULL;
  CHECK(lr_scorer_new(opts, &s, &err) == LR_OK);
  lr_options_free(opts);
  return s;
}

static void test_shadow_and_rollout(const char *export_path, const char *rules_dir, const char *shadow_path,
                                    const char *rollout_export, const char *rollout_path) {
  char lending[4096], payments[4096];
  snprintf(lending, sizeof lending, "%s/lending.json", rules_dir);
  snprintf(payments, sizeof payments, "%s/payments.json", rules_dir);
  size_t n, m;
  LrBytes out = {0};
  LrError *err = NULL;

  /* A shadow rule set: layer-risk score --shadow. */
  LrScorer *s = scorer_with(lending, -1);
  CHECK(lr_scorer_challenger_mode(s) == LR_CHALLENGER_SHADOW);
  CHECK(strcmp(lr_scorer_challenger_name(s), "lending") == 0);
  CHECK(lr_scorer_rollout_share(s) == -1.0);
  char *data = read_file(export_path, &n);
  char *expected = read_file(shadow_path, &m);
  CHECK(lr_score_jsonl(s, (const uint8_t *)data, n, &out, &err) == LR_OK);
  CHECK(out.len == m && memcmp(out.data, expected, m) == 0);
  lr_bytes_free(&out);
  LrRecord *rec = NULL;
  CHECK(lr_assess(s, (const uint8_t *)BODY, strlen(BODY), NULL, 0, &rec, &err) == LR_OK);
  if (rec) {
    CHECK(rec->shadow_decision >= LR_DECISION_TRUST && rec->shadow_decision <= LR_DECISION_MANUAL_REVIEW);
    CHECK(rec->shadow_decision_id.len == 32);
    CHECK(rec->arm == LR_ARM_NONE);
    CHECK(memmem(rec->json, rec->json_len, "\"shadow\":{", 10) != NULL);
    lr_record_free(rec);
  }
  lr_scorer_free(s);
  free(data);
  free(expected);

  /* A staged rollout, by each line's rollout_key: layer-risk score --rollout --rollout-share 0.3. */
  s = scorer_with(payments, 0.3);
  CHECK(lr_scorer_challenger_mode(s) == LR_CHALLENGER_ROLLOUT);
  CHECK(lr_scorer_rollout_share(s) == 0.3);
  data = read_file(rollout_export, &n);
  expected = read_file(rollout_path, &m);
  CHECK(lr_score_jsonl(s, (const uint8_t *)data, n, &out, &err) == LR_OK);
  CHECK(out.len == m && memcmp(out.data, expected, m) == 0);
  lr_bytes_free(&out);
  CHECK(memmem(expected, m, "\"arm\":\"challenger\"", 18) != NULL && memmem(expected, m, "\"arm\":\"control\"", 15) != NULL);
  /* The key through a context part decides the same arm as in the envelope. */
  int arms[3] = {0, 0, 0};
  LrContext *ctx = lr_context_new();
  for (int k = 0; k < 40; k++) {
    char key[32];
    snprintf(key, sizeof key, "user-%d", k);
    CHECK(lr_context_set(ctx, LR_PART_ROLLOUT_KEY, (const uint8_t *)key, strlen(key), NULL) == LR_OK);
    rec = NULL;
    CHECK(lr_assess_ctx(s, (const uint8_t *)BODY, strlen(BODY), ctx, &rec, NULL) == LR_OK);
    if (rec) {
      if (rec->arm >= 0 && rec->arm <= 2) arms[rec->arm]++;
      CHECK(rec->shadow_decision != LR_DECISION_NONE);
      lr_record_free(rec);
    }
  }
  CHECK(arms[LR_ARM_NONE] == 0 && arms[LR_ARM_CONTROL] > 0 && arms[LR_ARM_CHALLENGER] > 0);
  lr_context_free(ctx);
  lr_scorer_free(s);
  free(data);
  free(expected);

  /* Errors: a bad share, a broken file; the options are then unchanged. */
  LrOptions *opts = lr_options_new();
  CHECK(lr_options_set_rollout_rules_file(opts, payments, 1.5, &err) == LR_ERR_ARGUMENT);
  lr_error_free(err);
  err = NULL;
  CHECK(lr_options_set_shadow_rules(opts, (const uint8_t *)"{", 1, "s.json", &err) == LR_ERR_RULES);
  if (err) {
    CHECK(strcmp(err->code, "syntax") == 0 && strncmp(err->message, "s.json:1:", 9) == 0);
    lr_error_free(err);
  }
  CHECK(lr_options_set_shadow_rules_file(opts, lending, NULL) == LR_OK);
  CHECK(lr_options_clear_challenger(opts, NULL) == LR_OK);
  CHECK(lr_options_set_as_of(opts, AS_OF, NULL) == LR_OK);
  s = NULL;
  CHECK(lr_scorer_new(opts, &s, NULL) == LR_OK);
  CHECK(lr_scorer_challenger_mode(s) == LR_CHALLENGER_NONE && strcmp(lr_scorer_challenger_name(s), "") == 0);
  lr_scorer_free(s);
  lr_options_free(opts);
}

/* Append to a growing buffer. */
static void put(char **buf, size_t *len, const char *s, size_t n) {
  *buf = realloc(*buf, *len + n + 1);
  memcpy(*buf + *len, s, n);
  *len += n;
  (*buf)[*len] = 0;
}

static void test_context(const char *signals_dir) {
  static const char *names[4] = {NULL, "protect", "identity_match", "identity_verification"};
  char path[4096];
  size_t sn, n[4] = {0, 0, 0, 0};
  char *part[4] = {NULL, NULL, NULL, NULL};
  snprintf(path, sizeof path, "%s/session.json", signals_dir);
  char *session = read_file(path, &sn);
  for (int i = 1; i < 4; i++) {
    snprintf(path, sizeof path, "%s/%s.json", signals_dir, names[i]);
    part[i] = read_file(path, &n[i]);
  }
  LrScorer *s = new_scorer(NULL);
  LrContext *ctx = lr_context_new();
  LrError *err = NULL;
  for (int i = 1; i < 4; i++) CHECK(lr_context_set(ctx, i, (const uint8_t *)part[i], n[i], &err) == LR_OK);
  /* The caller's buffers may go at once: the parts were copied. */
  char *copy = malloc(n[1]);
  memcpy(copy, part[1], n[1]);
  CHECK(lr_context_set(ctx, LR_PART_PROTECT, (const uint8_t *)copy, n[1], NULL) == LR_OK);
  memset(copy, 'x', n[1]);
  free(copy);

  /* The same decision as the envelope that carries the parts, apart from the ids. */
  char *env = NULL;
  size_t en = 0;
  put(&env, &en, "{\"session\": ", 12);
  put(&env, &en, session, sn);
  put(&env, &en, ", \"signals\": {", 14);
  for (int i = 1; i < 4; i++) {
    char key[64];
    int k = snprintf(key, sizeof key, "%s\"%s\": ", i > 1 ? ", " : "", names[i]);
    put(&env, &en, key, (size_t)k);
    put(&env, &en, part[i], n[i]);
  }
  put(&env, &en, "}}", 2);
  LrRecord *a = NULL, *b = NULL;
  CHECK(lr_assess_ctx(s, (const uint8_t *)session, sn, ctx, &a, &err) == LR_OK);
  CHECK(lr_assess(s, (const uint8_t *)env, en, NULL, 0, &b, &err) == LR_OK);
  if (a && b) {
    CHECK(a->decision == b->decision && a->score == b->score && a->json_len == b->json_len);
    CHECK(memcmp(a->decision_id.ptr, b->decision_id.ptr, 32) != 0);
    char *ja = malloc(a->json_len), *jb = malloc(b->json_len);
    memcpy(ja, a->json, a->json_len);
    memcpy(jb, b->json, b->json_len);
    strip_ids(ja, a->json_len);
    strip_ids(jb, b->json_len);
    CHECK(a->json_len == b->json_len && memcmp(ja, jb, a->json_len) == 0);
    CHECK(memmem(a->json, a->json_len, "\"signal\":", 9) != NULL);
    free(ja);
    free(jb);
  }
  lr_record_free(a);
  lr_record_free(b);
  /* Into the caller's buffer: the same record. */
  {
    _Alignas(8) uint8_t buf[16384];
    size_t needed = 0;
    a = NULL;
    CHECK(lr_assess_ctx(s, (const uint8_t *)session, sn, ctx, &a, NULL) == LR_OK);
    CHECK(lr_assess_ctx_into(s, (const uint8_t *)session, sn, ctx, buf, sizeof buf, &needed, NULL) == LR_OK);
    const LrRecord *into = (const LrRecord *)buf;
    CHECK(a && into->json_len == a->json_len && memcmp(into->json, a->json, a->json_len) == 0);
    lr_record_free(a);
    CHECK(lr_assess_ctx_into(s, (const uint8_t *)session, sn, ctx, buf, 8, &needed, NULL) == LR_ERR_BUFFER);
  }
  /* Both ways at once is ambiguous. */
  err = NULL;
  a = NULL;
  CHECK(lr_assess_ctx(s, (const uint8_t *)env, en, ctx, &a, &err) == LR_ERR_PARSE);
  if (err) {
    CHECK(strcmp(err->code, "ambiguous_envelope") == 0);
    lr_error_free(err);
  }
  /* A broken part: located under its envelope key, quoting nothing. */
  const char *bad = "{\"score\": \"Leslie Knope 524781963\"}";
  CHECK(lr_context_set(ctx, LR_PART_PROTECT, (const uint8_t *)bad, strlen(bad), NULL) == LR_OK);
  err = NULL;
  CHECK(lr_assess_ctx(s, (const uint8_t *)session, sn, ctx, &a, &err) == LR_ERR_PARSE);
  if (err) {
    CHECK(err->path && strncmp(err->path, "signals.protect", 15) == 0);
    CHECK(strstr(err->message, "Leslie") == NULL && strstr(err->message, "524781963") == NULL);
    CHECK(err->decision_id == NULL);
    lr_error_free(err);
  }
  /* Unknown parts and a key that is not UTF-8 are refused; NULL removes; clear empties. */
  err = NULL;
  CHECK(lr_context_set(ctx, LR_PART_COUNT, (const uint8_t *)"{}", 2, &err) == LR_ERR_ARGUMENT);
  lr_error_free(err);
  CHECK(lr_context_set(ctx, LR_PART_ROLLOUT_KEY, (const uint8_t *)"\xff", 1, NULL) == LR_ERR_ARGUMENT);
  CHECK(lr_context_set(ctx, LR_PART_PROTECT, NULL, 0, NULL) == LR_OK);
  CHECK(lr_context_set(ctx, LR_PART_PROTECT, NULL, 3, NULL) == LR_ERR_ARGUMENT);
  CHECK(lr_context_clear(ctx, NULL) == LR_OK);
  CHECK(lr_assess_ctx(s, (const uint8_t *)session, sn, ctx, &a, NULL) == LR_OK);
  CHECK(lr_assess(s, (const uint8_t *)session, sn, NULL, 0, &b, NULL) == LR_OK);
  CHECK(a && b && a->json_len == b->json_len && memcmp(a->json, b->json, a->json_len) == 0);
  lr_record_free(a);
  lr_record_free(b);
  /* A NULL context is no part. */
  CHECK(lr_assess_ctx(s, (const uint8_t *)session, sn, NULL, &a, NULL) == LR_OK);
  lr_record_free(a);
  lr_context_free(ctx);
  lr_context_free(NULL);

  /* manual_review round-trips: Plaid's own review pending, under the default rules. */
  const char *pending = "{\"identity\": null, \"request_id\": \"r1\", \"idv_session_status\": \"pending_review\"}";
  a = NULL;
  CHECK(lr_assess(s, (const uint8_t *)pending, strlen(pending), NULL, 0, &a, NULL) == LR_OK);
  if (a) {
    CHECK(a->decision == LR_DECISION_MANUAL_REVIEW);
    CHECK(memmem(a->json, a->json_len, "\"decision\":\"manual_review\"", 26) != NULL);
    lr_record_free(a);
  }
  lr_scorer_free(s);
  free(env);
  free(session);
  for (int i = 1; i < 4; i++) free(part[i]);
}

struct live_job {
  LrLive *live;
  int ok;
  int calls;
  atomic_int *stop;
};

static void *live_worker(void *arg) {
  struct live_job *j = arg;
  j->ok = 1;
  while (!atomic_load(j->stop) || j->calls < 20) {
    LrScorer *s = lr_live_current(j->live); /* a whole scorer, ours until released */
    const char *name = lr_scorer_rules_name(s);
    if (strcmp(name, "default") != 0 && strcmp(name, "lending") != 0) j->ok = 0;
    LrRecord *rec = NULL;
    if (lr_assess(s, (const uint8_t *)BODY, strlen(BODY), NULL, 0, &rec, NULL) != LR_OK) j->ok = 0;
    char want[64];
    snprintf(want, sizeof want, "\"name\":\"%s\"", name);
    if (!rec || memmem(rec->json, rec->json_len, want, strlen(want)) == NULL) j->ok = 0;
    lr_record_free(rec);
    lr_scorer_free(s);
    j->calls++;
  }
  return NULL;
}

static void test_live(const char *rules_dir, int threads) {
  char lending[4096], deflt[4096];
  snprintf(lending, sizeof lending, "%s/lending.json", rules_dir);
  snprintf(deflt, sizeof deflt, "%s/default.json", rules_dir);
  LrScorer *s = new_scorer(NULL);
  CHECK(lr_scorer_retain(s) == s); /* one more reference ... */
  lr_scorer_free(s);                 /* ... released on its own */
  LrLive *live = NULL;
  CHECK(lr_live_new(s, &live, NULL) == LR_OK);
  lr_scorer_free(s); /* the handle holds its own reference */
  atomic_int stop = 0;
  pthread_t t[3];
  struct live_job jobs[3];
  for (int i = 0; i < threads; i++) {
    jobs[i] = (struct live_job){live, 0, 0, &stop};
    pthread_create(&t[i], NULL, live_worker, &jobs[i]);
  }
  const char *broken = "{\"name\": \"broken\",";
  for (int round = 0; round < 30; round++) {
    CHECK(lr_live_reload_rules_file(live, round % 2 ? deflt : lending, NULL) == LR_OK);
    LrError *err = NULL;
    CHECK(lr_live_reload_rules(live, (const uint8_t *)broken, strlen(broken), "broken.json", &err) == LR_ERR_RULES);
    if (err) {
      CHECK(strncmp(err->message, "broken.json:", 12) == 0);
      lr_error_free(err);
    }
    LrScorer *cur = lr_live_current(live);
    CHECK(strcmp(lr_scorer_rules_name(cur), round % 2 ? "default" : "lending") == 0); /* never the broken one */
    lr_scorer_free(cur);
  }
  atomic_store(&stop, 1);
  for (int i = 0; i < threads; i++) {
    pthread_join(t[i], NULL);
    CHECK(jobs[i].ok && jobs[i].calls >= 20);
  }
  /* A new day keeps the rules; a bad date changes nothing. */
  CHECK(lr_live_set_as_of(live, "2026-02-30", NULL) == LR_ERR_ARGUMENT);
  CHECK(lr_live_set_as_of(live, "2027-01-02", NULL) == LR_OK);
  LrScorer *cur = lr_live_current(live);
  CHECK(strcmp(lr_scorer_as_of(cur), "2027-01-02") == 0 && strcmp(lr_scorer_rules_name(cur), "default") == 0);
  /* Replace; a reference taken before stays valid after the handle is freed. */
  LrScorer *other = new_scorer(lending);
  CHECK(lr_live_replace(live, other, NULL) == LR_OK);
  lr_scorer_free(other);
  lr_live_free(live);
  lr_live_free(NULL);
  LrRecord *rec = NULL;
  CHECK(lr_assess(cur, (const uint8_t *)BODY, strlen(BODY), NULL, 0, &rec, NULL) == LR_OK);
  lr_record_free(rec);
  lr_scorer_free(cur);
}

int main(int argc, char **argv) {
  if (argc != 8) {
    fprintf(stderr,
            "usage: test_abi EXPORT.jsonl EXPECTED.jsonl RULES_DIR SHADOW.jsonl ROLLOUT_EXPORT.jsonl ROLLOUT.jsonl SIGNALS_DIR\n");
    return 2;
  }
  /* LR_TEST_ROUNDS repeats everything (ci.sh checks that memory held at exit does not grow). */
  const char *env = getenv("LR_TEST_ROUNDS");
  int rounds = env ? atoi(env) : 1;
  for (int r = 0; r < rounds; r++) {
    test_versions();
    test_scorer_and_assess();
    test_errors();
    test_score_jsonl(argv[1], argv[2], argv[3]);
    test_shadow_and_rollout(argv[1], argv[3], argv[4], argv[5], argv[6]);
    test_context(argv[7]);
    test_live(argv[3], getenv("LR_TEST_NO_THREADS") ? 0 : 3);
    if (!getenv("LR_TEST_NO_THREADS")) test_threads();
  }
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
