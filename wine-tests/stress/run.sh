#!/usr/bin/env bash
# wine-tests/stress/run.sh BUILD_DIR [--quick] [--only PART[,PART...]]
#
# `make stress`: the long profile of issue 5, printing figures.  Parts, in order:
#   tcp        stress.exe tcp 8 10000: 8 threads x 10,000 TCP connections,
#              every scenario (stress_core.h), host and own peers
#   tcpstack   the same without the host-ws2_32 peers (own peers only), so that
#              handle and memory figures are those of our stack alone
#   hostonly   attribution: host ws2_32 sockets at both ends, none of ours
#              (8 x 2,000): what the host peers themselves cost under Wine
#   cycles     stress.exe cycles 100000: open/close slope
#   faults     test_faults.exe (WSPStartup crash, peer reset in a linger
#              wait, WSACleanup under blocked calls)
#   installer  installer_crash.sh --long: eight ws2inst operations (machine,
#              --user, migrate) killed at every interruption point
#   irda       stress.exe irda: 4 stations on a private loopback air (child
#              processes), 6 connections at a time over each link, two links
#              at once (0->1 while 2->3, then 0->2, 0->3); then a station
#              moved out of range, the air down for 20 s and the hub killed,
#              each mid-transfer; then a hostile client on the air (garbage,
#              STATUS floods, orders from a station, then forged IrLAP
#              frames) for 30 s each while 0->1 carries checked data
#   fuzz       every libFuzzer target (irda/fuzz, ws2/fuzz) for FUZZ_RUNS
#              executions (default 10,000,000) on a copy of its corpus
# --quick shrinks every size (a check of the runner itself).
# Logs: BUILD_DIR/stress-logs/.  Exit non-zero if any part failed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:?usage: run.sh BUILD_DIR [--quick] [--only PARTS]}
shift
quick=0 only=""
while [ $# -gt 0 ]; do
    case $1 in
        --quick) quick=1 ;;
        --only) only=$2; shift ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
want() { [ -z "$only" ] || [[ ",$only," == *",$1,"* ]]; }

PREFIX_TAG=stress
. "$top/wine-tests/prefix.sh"
prefix_setup "$build" || exit 2
prefix_clear_user_root || exit 2
trap prefix_stop EXIT
logs="$BUILD/stress-logs"
mkdir -p "$logs"

if [ $quick = 1 ]; then
    TCP_T=2 TCP_N=200 CYCLES=5000 FUZZ_RUNS=${FUZZ_RUNS:-100000}
else
    TCP_T=8 TCP_N=10000 CYCLES=100000 FUZZ_RUNS=${FUZZ_RUNS:-10000000}
fi
rows=() any_bad=0 t_all=$(date +%s)

row() {   # part status seconds figures
    rows+=("$1|$2|$3|$4")
    [ "$2" = PASS ] || [ "$2" = SKIPPED ] || any_bad=1
}

# A run passed only if it says so: a process killed or crashed under Wine
# can leave the exit code 0 (seen when another run's wineserver -k hit it).
passed() { tr -d '\r' < "$2" | grep -q "^$1: PASS\$"; }   # NAME LOG (CRLF from Wine)
cmocka_passed() { grep -q 'test(s) run\.' "$1" && ! grep -q '^\[  FAILED  \]' "$1"; }

# stress.exe runs from BUILD/stress; ws2.dll and the providers come from the prefix
run_stress() {   # log args...
    local log=$1; shift
    (cd "$BUILD/stress" && exec timeout -k 15 3600 wine ./stress.exe "$@") 2>&1 | tee "$log"
    return "${PIPESTATUS[0]}"
}

if want tcp; then
    echo "=== tcp: $TCP_T threads x $TCP_N sockets"
    s=$(date +%s); run_stress "$logs/tcp.log" tcp $TCP_T $TCP_N 1; rc=$?
    passed tcp "$logs/tcp.log" || rc=1
    fig=$(grep -E '^tcp: (handles|overlapped|graceful|blocked)' "$logs/tcp.log" | sed 's/^tcp: //' | tr '\n' ';')
    row tcp "$([ $rc = 0 ] && echo PASS || echo FAIL)" $(( $(date +%s) - s )) "$fig"
    timeout 30 wineserver -w 2>/dev/null
fi
if want tcpstack; then
    echo "=== tcpstack: $TCP_T threads x $TCP_N sockets, own peers only"
    # scenario mask 126: every scenario but the host-ws2_32 peer
    s=$(date +%s); run_stress "$logs/tcpstack.log" tcp $TCP_T $TCP_N 1 126; rc=$?
    passed tcp "$logs/tcpstack.log" || rc=1
    fig=$(grep -E '^tcp: (handles|[0-9]+ threads)' "$logs/tcpstack.log" | sed 's/^tcp: //' | tr '\n' ';')
    row tcpstack "$([ $rc = 0 ] && echo PASS || echo FAIL)" $(( $(date +%s) - s )) "$fig"
    timeout 30 wineserver -w 2>/dev/null
fi
if want hostonly; then
    echo "=== hostonly: attribution: the host-peer scenario with host sockets at both ends (no ce-winsock)"
    s=$(date +%s); run_stress "$logs/hostonly.log" tcp $TCP_T $(( TCP_N / 5 )) 1 128; rc=$?
    passed tcp "$logs/hostonly.log" || rc=1
    fig=$(grep -E '^tcp: (handles|[0-9]+ threads)' "$logs/hostonly.log" | sed 's/^tcp: //' | tr '\n' ';')
    row hostonly "$([ $rc = 0 ] && echo PASS || echo FAIL)" $(( $(date +%s) - s )) "$fig"
    timeout 30 wineserver -w 2>/dev/null
fi
if want cycles; then
    echo "=== cycles: $CYCLES open/close cycles"
    s=$(date +%s); run_stress "$logs/cycles.log" cycles $CYCLES 100; rc=$?
    tr -d '\r' < "$logs/cycles.log" | grep -q '^cycles: errors 0$' || rc=1
    fig=$(grep -E '^cycles: (slope|handles)' "$logs/cycles.log" | sed 's/^cycles: //' | tr '\n' ';')
    row cycles "$([ $rc = 0 ] && echo PASS || echo FAIL)" $(( $(date +%s) - s )) "$fig"
    timeout 30 wineserver -w 2>/dev/null
fi
if want faults; then
    echo "=== faults: test_faults.exe"
    s=$(date +%s)
    if [ -f "$BUILD/tests/test_faults.exe" ]; then
        (cd "$BUILD/tests" && CMOCKA_MESSAGE_OUTPUT=stdout timeout -k 15 600 wine ./test_faults.exe) 2>&1 | tee "$logs/faults.log"
        rc=${PIPESTATUS[0]}
        cmocka_passed "$logs/faults.log" || rc=1
        fig=$(grep -E 'closesocket returned|blocked (recv|accept|select)' "$logs/faults.log" | sed 's/^ *//' | tr '\n' ';')
        row faults "$([ $rc = 0 ] && echo PASS || echo FAIL)" $(( $(date +%s) - s )) "$fig"
    else
        row faults MISSING 0 "no test_faults.exe"
    fi
    timeout 30 wineserver -w 2>/dev/null
fi
if want installer; then
    echo "=== installer: every interruption point of install (new, replace), remove, reset"
    s=$(date +%s)
    (cd "$BUILD" && timeout -k 15 3600 bash "$top/wine-tests/installer_crash.sh" "$BUILD" $([ $quick = 1 ] || echo --long)) 2>&1 | tee "$logs/installer.log"
    rc=${PIPESTATUS[0]}
    cmocka_passed "$logs/installer.log" || rc=1
    fig=$(grep -E "interruption points|interrupted runs" "$logs/installer.log" | sed "s/, each left.*//; s/^ *//" | tr '\n' ';')
    row installer "$([ $rc = 0 ] && echo PASS || echo FAIL)" $(( $(date +%s) - s )) "$fig"
    timeout 30 wineserver -w 2>/dev/null
fi
if want irda; then
    if [ $quick = 1 ]; then IR_ROUNDS=2 IR_BYTES=8192 IR_THREADS=3; else IR_ROUNDS=20 IR_BYTES=32768 IR_THREADS=6; fi
    echo "=== irda: 4 stations on a private loopback air, $IR_THREADS connections at a time per link, $IR_ROUNDS rounds x $IR_BYTES bytes each"
    s=$(date +%s); run_stress "$logs/irda.log" irda $IR_ROUNDS $IR_BYTES $IR_THREADS; rc=$?
    [ $rc = 77 ] || passed irda "$logs/irda.log" || rc=1
    # the stations are child processes: let none outlive a failed run
    timeout 30 wineserver -w 2>/dev/null
    fig=$(grep -E '^irda: ' "$logs/irda.log" | grep -v 'round [0-9]' | sed 's/^irda: //' | tr '\n' ';')
    case $rc in
        0) st=PASS ;;
        77) st=SKIPPED ;;
        *) st=FAIL ;;
    esac
    rows+=("irda|$st|$(( $(date +%s) - s ))|$fig")
    [ "$st" = FAIL ] && any_bad=1
    timeout 30 wineserver -w 2>/dev/null
fi
if want fuzz; then
    echo "=== fuzz: $FUZZ_RUNS executions per target"
    fuzz_out="$BUILD/stress-fuzz"
    mkdir -p "$fuzz_out"
    targets=()
    for f in "$top"/build/native/irda/fuzz/fuzz_* "$top"/build/native/ws2/fuzz/fuzz_*; do
        [ -x "$f" ] && [ -f "$f" ] && targets+=("$f")
    done
    jobs_max=$(nproc 2>/dev/null || echo 2)
    s=$(date +%s)
    fuzz_one() {   # binary
        local f=$1 n corpus kind
        n=$(basename "$f"); n=${n#fuzz_}
        case $f in */irda/fuzz/*) kind=irda ;; *) kind=ws2 ;; esac
        corpus="$top/$kind/fuzz/corpus/$n"
        local work="$fuzz_out/$kind-$n"
        rm -rf "$work"; mkdir -p "$work/corpus" "$work/artifacts"
        cp "$corpus"/* "$work/corpus/" 2>/dev/null || true
        "$f" -runs="$FUZZ_RUNS" -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
            "$work/corpus" > "$work/log.txt" 2>&1
        echo $? > "$work/rc"
    }
    running=0
    for f in "${targets[@]}"; do
        fuzz_one "$f" &
        running=$((running + 1))
        if [ $running -ge "$jobs_max" ]; then wait -n; running=$((running - 1)); fi
    done
    wait
    total_exec=0 findings=0 figs=""
    for f in "${targets[@]}"; do
        n=$(basename "$f"); n=${n#fuzz_}
        case $f in */irda/fuzz/*) kind=irda ;; *) kind=ws2 ;; esac
        work="$fuzz_out/$kind-$n"
        ex=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log.txt" | tail -1)
        rc=$(cat "$work/rc" 2>/dev/null || echo 1)
        arts=$(find "$work/artifacts" -type f | wc -l)
        [ "$rc" = 0 ] && [ "$arts" = 0 ] || { findings=$((findings + 1)); tail -30 "$work/log.txt"; }
        total_exec=$((total_exec + ${ex:-0}))
        printf '  %-22s %12s executions, exit %s, %s artifact(s), corpus %s\n' "$kind/$n" "${ex:-?}" "$rc" "$arts" \
            "$(ls "$work/corpus" | wc -l)" | tee -a "$logs/fuzz.log"
        figs="$figs$kind/$n ${ex:-?} exec rc $rc;"
    done
    row fuzz "$([ $findings = 0 ] && [ ${#targets[@]} -gt 0 ] && echo PASS || echo FAIL)" $(( $(date +%s) - s )) \
        "${#targets[@]} targets, $total_exec executions, $findings with findings;$figs"
fi

echo
echo "make stress: figures"
for r in "${rows[@]}"; do
    IFS='|' read -r part st secs fig <<<"$r"
    printf '%-10s %-8s %6ss\n' "$part" "$st" "$secs"
    echo "$fig" | tr ';' '\n' | sed '/^$/d; s/^/             /'
done
echo "total: $(( $(date +%s) - t_all )) s, $([ $any_bad = 0 ] && echo PASS || echo FAIL); logs: $logs"
exit $any_bad
