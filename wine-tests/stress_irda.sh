#!/usr/bin/env bash
# wine-tests/stress_irda.sh BUILD_DIR - the short profile of `make stress`'s
# IrDA part (issue 5), for `make check`: BUILD_DIR/stress/stress.exe irda
# 2 8192 3 with four stations (this one and three child processes) on a
# private loopback air port:
#   load     station 0 -> 1 while station 2 -> 3 (two IrLAP links on the air
#            at once), then 0 -> 2 and 0 -> 3; 3 connections at a time over
#            each link, every byte checked by the receiving station, handles
#            back where they started;
#   faults   a station moved out of range, the air down for 20 s, the hub
#            killed, each while a sender moves data: the sender fails with
#            a reset/timeout code within the link-disconnect time (or, for
#            the hub restart, the transfer goes on), discovery recovers and
#            a new connection works;
#   hostile  a hostile client on the air for 8 s each (stress_hostile.c):
#            clients without the hub's key or with a wrong one refused and
#            hearing nothing, and with the key: garbage (no byte of
#            the load may be lost or wrong, the hub's queues stay bounded,
#            an unread STATUS flood is cut off), then forged IrLAP frames
#            (connections may be torn down, but no byte arrives wrong, no
#            call hangs, no station dies, discovery and a new connection
#            work afterwards).
# stress.exe prints one line per figure and "irda: PASS" when all held.
# Output in cmocka's format for run.sh; exit 0 pass, 1 fail, 77 skipped
# (no AF_IRDA provider registered).
. "$(dirname "$0")/../sdk/tests/sdk_testlib.sh"
t_need_prefix || exit 2
exe=$SDK_BUILD/stress/stress.exe
log=$SDK_TMP/stress_irda.log

run_short() {
    if [ ! -f "$exe" ]; then
        t_say "no $exe (make all builds it)"
        return 1
    fi
    (cd "$(dirname "$exe")" && timeout -k 15 400 wine ./stress.exe irda 2 8192 3) >"$log" 2>&1
    local rc=$?
    tr -d '\r' <"$log" | sed 's/^/   /'
    [ $rc = 77 ] && return 77
    # a crashed or killed run can exit 0 under Wine: it passed only if it says so
    [ $rc = 0 ] && tr -d '\r' <"$log" | grep -q '^irda: PASS$'
}

run_short; rc=$?
if [ $rc = 77 ]; then
    t_skip irda_stress_short "no AF_IRDA provider"
    echo "[==========] 1 test(s) run."
    exit 77
fi
t_run irda_stress_short test $rc = 0
t_done
