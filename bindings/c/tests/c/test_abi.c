/*
 * The C ABI from C, as a C caller uses it: every function, every error family, every free.
 * ci.sh runs it under `valgrind --leak-check=full --error-exitcode=1`, so a leak, a double
 * free or a read past a buffer fails the build.
 *
 *   test_abi EXPORT.jsonl EXPECTED.jsonl RULES.json
 *
 * EXPECTED is `layer-risk score --as-of 2026-11-22 --jobs 1 EXPORT` (made by ci.sh); RULES
 * a rules file (rules/lending.json). Prints `N passed, M failed` and exits non-zero on a
 * failure. LR_TEST_ROUNDS=N runs everything N times; LR_TEST_NO_THREADS=1 leaves out the
 * thread test.
 */
#include <pthread.h>
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
    CHECK(rec->decision >= LR_DECISION_TRUST && rec->decision <= LR_DECISION_IDENTITY_VERIFICATION);
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

static void test_score_jsonl(const char *export_path, const char *expected_path, const char *rules) {
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

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: test_abi EXPORT.jsonl EXPECTED.jsonl RULES.json\n");
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
    if (!getenv("LR_TEST_NO_THREADS")) test_threads();
  }
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
