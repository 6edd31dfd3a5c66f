#!/usr/bin/env bash
# The Java benchmarks (README "Performance"): builds the JNI shim used only for the bridge
# comparison, compiles the tests, and runs BridgeBench (FFM vs JNI vs JNA per call, the
# package's assess, bulk scoreJsonl vs the CLI). RUNS=, LINES= change the repetitions and the
# export size. Needs what ci.sh needs; run nothing else meanwhile.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(cd ../.. && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
(cd "$root" && cargo build --release --locked -q -p layer-risk-c && cargo build --release --locked -q --bin layer-risk)
mkdir -p target/bench
bench_dir=$(bash "$root/bindings/c/bench/lines.sh")
echo "the core alone on the same lines:"
(cd "$root" && cargo run --release --locked -q -p layer-risk-c --example percall -- "$bench_dir/bare.json" "$bench_dir/envelope.json")
cc -O2 -shared -fPIC -I"$JAVA_HOME/include" -I"$JAVA_HOME/include/linux" -I"$root/bindings/c/include" \
  bench/jni/layer_risk_jni.c -o target/bench/liblayer_risk_jni.so -L"$root/target/release" -llayer_risk_c \
  -Wl,-rpath,"$root/target/release"
mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench/classpath.txt >/dev/null
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
  -cp "target/test-classes:target/classes:$(cat target/bench/classpath.txt)" \
  -Dlayerrisk.repo="$root" -Dlayerrisk.library="$root/target/release/liblayer_risk_c.so" \
  -Djni.library="$PWD/target/bench/liblayer_risk_jni.so" -Dbench.dir="$bench_dir" -Druns="${RUNS:-7}" -Dlines="${LINES:-200000}" \
  com.layerrisk.BridgeBench
