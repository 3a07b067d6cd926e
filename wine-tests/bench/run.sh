#!/usr/bin/env bash
# wine-tests/bench/run.sh BUILD_DIR [--rounds N] [WORKLOAD...]
#
# Runs BUILD_DIR/bench/bench.exe under Wine: ce-winsock against the host's
# ws2_32, interleaved, several rounds; prints the table and leaves the same
# figures in BUILD_DIR/bench/results.json (the run's log: bench.log).
#
# The bench has a prefix of its own (BUILD_DIR/bench/wineprefix, set up by
# wine-tests/prefix.sh from a copy of BUILD_DIR/bin in BUILD_DIR/bench/bin):
# a test run stops its prefix's wineserver when it ends, which must not cut
# a measurement short, and other work in that prefix would disturb it.
#
# Exit: bench.exe's (0 measured, whatever the verdicts; 1 a workload broke;
# 2 the stacks could not be loaded), 2 for setup problems, 124 timeout.
# Environment: BENCH_TIMEOUT (seconds, default 1200); WINEDEBUG as usual.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
if [ $# -lt 1 ] || [ ! -d "$1" ]; then
    echo "usage: $0 BUILD_DIR [--rounds N] [WORKLOAD...]" >&2
    exit 2
fi
build=$(cd "$1" && pwd); shift
stage="$build/bench"
if [ ! -f "$stage/bench.exe" ]; then
    echo "bench: no $stage/bench.exe (make bench builds it)" >&2
    exit 2
fi
mkdir -p "$stage/bin"
# irdaprov.dll (registered by ws2inst reset when it is there) and the air's
# hub irair.exe: the IrDA workload's stations
for f in ws2.dll celsp.dll hostprov.dll irdaprov.dll irair.exe ws2inst.exe; do
    if ! cp -f "$build/bin/$f" "$stage/bin/"; then
        echo "bench: $build/bin/$f missing (make all)" >&2
        exit 2
    fi
done

PREFIX_TAG=bench
. "$here/../prefix.sh"
prefix_setup "$stage" || exit 2
trap prefix_stop EXIT
# Measure the stack as shipped: no tracing, no diagnostics, default linger.
unset CEWS2_TRACE CEWS2_DIAG CEWS2_LINGER_NOTE

echo "bench: $(wine --version 2>/dev/null), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
cd "$stage" || exit 2
timeout -k 15 "${BENCH_TIMEOUT:-1200}" wine ./bench.exe --json results.json "$@" 2>&1 | tee bench.log
rc=${PIPESTATUS[0]}
[ "$rc" -eq 124 ] && echo "bench: timed out after ${BENCH_TIMEOUT:-1200} s" >&2
exit "$rc"
