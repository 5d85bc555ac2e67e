#!/usr/bin/env bash
# Runs bugle's fuzz targets one after another, each for the same time, and prints one
# summary line per target. Reproduces the runs recorded in docs/fuzzing.md.
#
#   fuzz/run.sh                  # every target, 600 s each
#   fuzz/run.sh 30               # every target, 30 s each
#   fuzz/run.sh 600 webhook_url  # one target
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`). It runs on the stable
# toolchain: RUSTC_BOOTSTRAP=1 lets stable rustc take the -Z flags cargo-fuzz passes.
# Set FUZZ_SANITIZER=none to build without AddressSanitizer (faster, and enough for
# bugle's crates, which forbid unsafe code). Runs under `nice -n 19` so other builds
# keep priority. Corpora (fuzz/corpus/) and crashes (fuzz/artifacts/) are not committed.
set -euo pipefail

cd "$(dirname "$0")"
seconds="${1:-600}"
shift || true
all=(ratelimit_headers webhook_url cassette model_json split_message neutralise_mentions interaction_verify interaction_json)
targets=("${@:-${all[@]}}")
sanitizer="${FUZZ_SANITIZER:-address}"
export RUSTC_BOOTSTRAP=1
# What cargo fuzz run would set; needed as the binaries are run directly.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_odr_violation=0}"

# Seeds: the payload fixtures for the JSON targets, the cassettes (recorded fixtures and
# the hand-written one under seeds/) for the cassette target.
seed() {
    local target="$1"
    shift
    mkdir -p "corpus/$target"
    local file
    for file in "$@"; do
        [ -f "$file" ] && cp "$file" "corpus/$target/seed-$(basename "$file")"
    done
    return 0
}
seed model_json ../fixtures/payloads/*.json
seed neutralise_mentions ../fixtures/payloads/*.json
seed cassette ../fixtures/cassettes/*.json seeds/cassette/*.json
seed interaction_json seeds/interaction/*.json

dict_for() {
    case "$1" in
        model_json | cassette | interaction_json) echo "-dict=dicts/json.dict" ;;
    esac
}

# Build every target once, then run the built binaries: a run is not disturbed by
# edits to the crates made while it goes on, and the binary tested is the one built here.
nice -n 19 cargo fuzz build --debug-assertions --sanitizer "$sanitizer"
bin_dir="target/$(rustc -vV | sed -n 's/^host: //p')/release"

mkdir -p logs
status=0
for target in "${targets[@]}"; do
    mkdir -p "corpus/$target" "artifacts/$target"
    log="logs/$target.log"
    before=$(find "artifacts/$target" -type f | wc -l)
    started=$SECONDS
    set +e
    # shellcheck disable=SC2046 # dict_for prints zero or one argument
    nice -n 19 "$bin_dir/$target" "corpus/$target" -artifact_prefix="artifacts/$target/" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 $(dict_for "$target") >"$log" 2>&1
    rc=$?
    set -e
    elapsed=$((SECONDS - started))
    after=$(find "artifacts/$target" -type f | wc -l)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    execs=${execs:-$(grep -o '^#[0-9]*' "$log" | tail -n 1 | tr -d '#')}
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
    corpus=$(find "corpus/$target" -type f | wc -l)
    echo "$target: ${elapsed}s, ${execs:-?} executions, coverage ${cov:-?}, corpus $corpus, new crashes $((after - before)), exit $rc"
    if [ "$rc" -ne 0 ]; then
        status=1
        grep -m 5 -E 'panicked|ERROR: libFuzzer|SUMMARY' "$log" || true
    fi
done
exit "$status"
