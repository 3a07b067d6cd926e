#!/usr/bin/env bash
# wine-tests/run.sh BUILD_DIR [SUITE...]
#
# Runs every BUILD_DIR/tests/test_*.exe (or only the named suites, e.g.
# `tcp udp`) under Wine in the test run's own prefix (BUILD_DIR/wineprefix,
# see prefix.sh), then the SDK's shell suites wine-tests/sdk_*.sh (named
# `sdk_msvc` etc.), wine-tests/irda_capture.sh (`irda_capture`: the IrDA
# stack's pcap judged by tshark; exit 77, shown SKIPPED, without tshark),
# wine-tests/irda_irlpt_capture.sh (`irda_irlpt_capture`: IrLPT mode's
# frames judged the same way), wine-tests/irda_ircomm_capture.sh
# (`irda_ircomm_capture`: 9-wire mode's IrCOMM frames, the same) and wine-tests/stress_irda.sh (`stress_irda`:
# make stress's IrDA part, short),
# each with a timeout (WINE_TEST_TIMEOUT, default 300 s; installer_crash
# twice that),
# prints a summary table and exits non-zero if any suite failed, crashed or
# timed out.  Logs: BUILD_DIR/test-logs/<suite>.log.
#
# Environment: WINE_TEST_TIMEOUT, TU_VERBOSE=1 (tests log their steps),
# CMOCKA_TEST_FILTER (a cmocka glob passed to every suite as argv[1]).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
if [ $# -lt 1 ]; then
    echo "usage: $0 BUILD_DIR [SUITE...]" >&2
    exit 2
fi
build=$1; shift
PREFIX_TAG=run.sh
. "$here/prefix.sh"

prefix_setup "$build" || exit 2
prefix_clear_user_root || exit 2
trap prefix_stop EXIT

timeout_s=${WINE_TEST_TIMEOUT:-300}
export CMOCKA_MESSAGE_OUTPUT=stdout
logs="$BUILD/test-logs"
mkdir -p "$logs"

objdump=$(command -v x86_64-w64-mingw32-objdump || true)

# "capture" is the tshark check (capture.sh), run after the cmocka suites
want_capture=0
tests=()
if [ $# -gt 0 ]; then
    for s in "$@"; do
        if [ "$s" = capture ]; then want_capture=1; continue; fi
        case $s in sdk_*|irda_capture|irda_irlpt_capture|irda_ircomm_capture|irda_hub|stress_irda) tests+=("$here/$s.sh"); continue ;; esac   # shell suites
        case $s in installer_crash) tests+=("$here/$s.sh"); continue ;; esac  # ws2inst killed at every step
        tests+=("$BUILD/tests/test_${s#test_}.exe")
    done
else
    want_capture=1
    for t in "$BUILD"/tests/test_*.exe; do [ -f "$t" ] && tests+=("$t"); done
    # the SDK's shell suites (wine-tests/sdk_*.sh BUILD_DIR, cmocka-style output)
    for t in "$here"/sdk_*.sh; do [ -f "$t" ] && tests+=("$t"); done
    # the IrDA stack's own pcap judged by tshark (exit 77: no tshark, skipped)
    [ -f "$here/irda_capture.sh" ] && tests+=("$here/irda_capture.sh")
    # IrLPT mode's frames in test_irda_modes' capture, judged by tshark
    [ -f "$here/irda_irlpt_capture.sh" ] && tests+=("$here/irda_irlpt_capture.sh")
    # 9-wire mode's IrCOMM frames in test_irda_ircomm's capture, the same way
    [ -f "$here/irda_ircomm_capture.sh" ] && tests+=("$here/irda_ircomm_capture.sh")
    # the hub a first station leaves: detached, gone within its idle time
    [ -f "$here/irda_hub.sh" ] && tests+=("$here/irda_hub.sh")
    # the short profile of make stress's IrDA part (four stations, faults)
    [ -f "$here/stress_irda.sh" ] && tests+=("$here/stress_irda.sh")
    # ws2inst killed at every step of an install, a --user remove and a
    # migration (short profile; twice the timeout)
    [ -f "$here/installer_crash.sh" ] && tests+=("$here/installer_crash.sh")
fi
if [ ${#tests[@]} -eq 0 ] && [ $want_capture -eq 0 ]; then
    prefix_say "no test programs in $BUILD/tests"
    exit 2
fi

rows=()
any_bad=0
for t in "${tests[@]}"; do
    suite=$(basename "$t" .exe); suite=${suite%.sh}; suite=${suite#test_}
    log="$logs/$suite.log"
    if [ ! -f "$t" ]; then
        rows+=("$suite|0|0|0|0.0|MISSING"); any_bad=1; continue
    fi
    # The suites must talk to our ws2.dll only, never to the host's ws2_32.
    if [ -n "$objdump" ] && [[ $t == *.exe ]] && "$objdump" -p "$t" | grep -qi 'DLL Name: *ws2_32.dll'; then
        echo "=== $suite: links the host ws2_32.dll directly; refusing to run" | tee "$log"
        rows+=("$suite|0|0|0|0.0|BAD-LINK"); any_bad=1; continue
    fi
    suite_timeout=$timeout_s
    # About 90 ws2inst runs killed and inspected, 7 Wine processes each: on
    # a loaded machine that takes longer than one suite's share.
    [ "$suite" = installer_crash ] && suite_timeout=$((timeout_s * 2))
    echo "=== $suite ($(basename "$t"), timeout ${suite_timeout}s)"
    start=$(date +%s.%N)
    args=()
    [ -n "${CMOCKA_TEST_FILTER:-}" ] && args+=("$CMOCKA_TEST_FILTER")
    # Output goes to the log file and is followed from there, not piped: a
    # process the suite leaves behind (a hub that never finished starting
    # under Wine has been seen) keeps a pipe open for ever, a file it does
    # not, and the suite's own end ends the follow.
    if [[ $t == *.sh ]]; then
        (cd "$BUILD" && exec timeout -k 15 "$suite_timeout" bash "$t" "$BUILD") >"$log" 2>&1 &
    else
        (cd "$BUILD/tests" && exec timeout -k 15 "$timeout_s" wine "./$(basename "$t")" "${args[@]}") >"$log" 2>&1 &
    fi
    suite_pid=$!
    tail -n +1 -f --pid="$suite_pid" "$log"
    wait "$suite_pid"
    rc=$?
    end=$(date +%s.%N)
    secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
    read -r passed failed skipped finished < <(awk '
        /^\[==========\] .*test\(s\) run\./ { done = 1 }   # column 0: a nested run is indented
        !done && /^\[       OK \]/ { p++ }
        !done && /^\[  FAILED  \] / { f++ }
        !done && /^\[  ERROR   \] / && !/^\[  ERROR   \] --- / { f++ }
        !done && /^\[  SKIPPED \] / { s++ }
        END { print p + 0, f + 0, s + 0, done + 0 }' "$log")
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
        status=TIMEOUT
    elif [[ $t == *.sh ]] && [ "$rc" -eq 77 ]; then
        status=SKIPPED; skipped=$((skipped > 0 ? skipped : 1))
    elif [ "$finished" -eq 0 ]; then
        status="CRASH(rc=$rc)"
    elif [ "$failed" -gt 0 ] || [ "$rc" -ne 0 ]; then
        status=FAIL
    else
        status=PASS
    fi
    [ "$status" = PASS ] || [ "$status" = SKIPPED ] || any_bad=1
    rows+=("$suite|$passed|$failed|$skipped|$secs|$status")
    # Let the suite's processes go before the next one starts.
    timeout 30 wineserver -w 2>/dev/null || true
done

if [ $want_capture -eq 1 ]; then
    echo "=== capture (tshark on lo; wine-tests/capture.sh)"
    start=$(date +%s.%N)
    CAPTURE_NO_SETUP=1 timeout -k 15 "$timeout_s" bash "$here/capture.sh" "$BUILD" >"$logs/capture.sh.log" 2>&1 &
    suite_pid=$!
    tail -n +1 -f --pid="$suite_pid" "$logs/capture.sh.log"
    wait "$suite_pid"
    rc=$?
    end=$(date +%s.%N)
    secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
    passed=$(grep -cE '^[a-z_]+ +(rst|fin) .* PASS$' "$logs/capture.sh.log")
    failed=$(grep -cE '^[a-z_]+ +(rst|fin) .* FAIL( |$)' "$logs/capture.sh.log")
    case $rc in
        0) status=PASS ;;
        77) status=SKIPPED ;;
        124|137) status=TIMEOUT; any_bad=1 ;;
        *) status=FAIL; any_bad=1 ;;
    esac
    rows+=("capture|$passed|$failed|$([ $rc -eq 77 ] && echo 1 || echo 0)|$secs|$status")
    timeout 30 wineserver -w 2>/dev/null || true
fi

echo
printf '%-20s %7s %7s %8s %9s  %s\n' suite passed failed skipped seconds status
printf '%-20s %7s %7s %8s %9s  %s\n' -------------------- ------ ------ ------- -------- ------
tp=0; tf=0; ts=0
for r in "${rows[@]}"; do
    IFS='|' read -r s p f k secs st <<<"$r"
    printf '%-20s %7s %7s %8s %9s  %s\n' "$s" "$p" "$f" "$k" "$secs" "$st"
    tp=$((tp + p)); tf=$((tf + f)); ts=$((ts + k))
done
printf '%-20s %7s %7s %8s %9s  %s\n' total "$tp" "$tf" "$ts" "" "$([ $any_bad -eq 0 ] && echo PASS || echo FAIL)"
echo "logs: $logs"
exit $any_bad
