/*
 * The JNI bridge, for the bridge benchmark only (bench/run.sh builds it): the same calls the
 * FFM path makes, written the JNI way, so the two bridges are timed on equal work. The
 * package itself uses FFM (see README, "Choosing the bridge").
 */
#include <jni.h>
#include <string.h>

#include "layer_risk.h"

JNIEXPORT jlong JNICALL Java_com_layerrisk_BridgeBench_jniScorer(JNIEnv *env, jclass cls, jstring asOf) {
  (void)cls;
  const char *date = (*env)->GetStringUTFChars(env, asOf, NULL);
  LrOptions *opts = lr_options_new();
  LrScorer *s = NULL;
  if (lr_options_set_as_of(opts, date, NULL) != LR_OK || lr_scorer_new(opts, &s, NULL) != LR_OK) s = NULL;
  lr_options_free(opts);
  (*env)->ReleaseStringUTFChars(env, asOf, date);
  return (jlong)(intptr_t)s;
}

/* lr_assess on a byte[]: the record's JSON as a new byte[], or null on a parse error. */
JNIEXPORT jbyteArray JNICALL Java_com_layerrisk_BridgeBench_jniAssess(JNIEnv *env, jclass cls, jlong scorer,
                                                                       jbyteArray body) {
  (void)cls;
  jsize n = (*env)->GetArrayLength(env, body);
  jbyte *b = (*env)->GetPrimitiveArrayCritical(env, body, NULL);
  LrRecord *rec = NULL;
  LrError *err = NULL;
  int st = lr_assess((const LrScorer *)(intptr_t)scorer, (const uint8_t *)b, (size_t)n, NULL, 0, &rec, &err);
  (*env)->ReleasePrimitiveArrayCritical(env, body, b, JNI_ABORT);
  if (st != LR_OK) {
    lr_error_free(err);
    return NULL;
  }
  jbyteArray out = (*env)->NewByteArray(env, (jsize)rec->json_len);
  (*env)->SetByteArrayRegion(env, out, 0, (jsize)rec->json_len, (const jbyte *)rec->json);
  lr_record_free(rec);
  return out;
}

JNIEXPORT void JNICALL Java_com_layerrisk_BridgeBench_jniFree(JNIEnv *env, jclass cls, jlong scorer) {
  (void)env;
  (void)cls;
  lr_scorer_free((LrScorer *)(intptr_t)scorer);
}
