#!/usr/bin/env bash
# CI for the Java package (bindings/java, Maven, JUnit 5): build the C ABI's shared library and
# the CLI with cargo, then `mvn verify` (tests against the CLI's bytes, typed exceptions,
# threads, the plaid-java example against a local fake Plaid). The package calls the library
# through the Foreign Function and Memory API, final since Java 22: JAVA_HOME must be a JDK 22+
# (this machine kind ships Temurin 25 at /usr/lib/jvm/temurin-25-jdk-amd64, used when
# JAVA_HOME is unset). Maven and Maven Central provide the rest. Called from the repo root
# (`bash bindings/java/ci.sh`); works from anywhere.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

say() { echo "== ci(java): $*"; }
die() { echo "ci(java): $*" >&2; exit 1; }

jdk_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}'; }
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ] || [ "$(jdk_major "$JAVA_HOME")" -lt 22 ]; then
  for cand in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    if [ -x "$cand/bin/javac" ] && [ "$(jdk_major "$cand")" -ge 22 ] 2>/dev/null; then
      export JAVA_HOME=$cand
      break
    fi
  done
fi
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/javac" ] || [ "$(jdk_major "$JAVA_HOME")" -lt 22 ]; then
  die "no JDK 22 or later: the Java package uses the FFM API (java.lang.foreign, final in 22). Set JAVA_HOME to one (e.g. /usr/lib/jvm/temurin-25-jdk-amd64); JDK 17 cannot build or run it"
fi
for tool in cargo mvn; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found"
done
echo "ci(java): JAVA_HOME=$JAVA_HOME (Java $(jdk_major "$JAVA_HOME")), $(mvn -v 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g'), $(cargo --version)"

say "cargo build: liblayer_risk_c.so (packed into the jar) and the CLI to compare with"
cargo build --release --locked -q -p layer-risk-c
cargo build --release --locked -q --bin layer-risk
export LAYER_RISK_CLI="$root/target/release/layer-risk"

cd bindings/java
say "mvn verify (JUnit 5)"
# MAVEN_OPTS: Maven's own Guava calls sun.misc.Unsafe, which JDK 24+ warns about; harmless.
MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" mvn -B -q verify
grep -h "Tests run" target/surefire-reports/*.txt
total=$(cat target/surefire-reports/*.txt | awk -F'[:,]' '/Tests run/ {t+=$2} END {print t+0}')
[ "$total" -gt 0 ] || die "no test ran"
test -s target/layer-risk-0.1.0.jar || die "no jar"
unzip -l target/layer-risk-0.1.0.jar > target/jar-contents.txt
grep -q "com/layerrisk/native/linux-x86_64/liblayer_risk_c.so" target/jar-contents.txt \
  || die "the jar does not carry the native library"
say "the JNI glue of the bridge benchmark compiles (bench/run.sh builds and runs it)"
cc -fsyntax-only -Wall -Werror -I"$JAVA_HOME/include" -I"$JAVA_HOME/include/linux" -I"$root/bindings/c/include" \
  bench/jni/layer_risk_jni.c
echo "ci(java): ok"
