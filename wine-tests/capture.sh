#!/usr/bin/env bash
# wine-tests/capture.sh BUILD_DIR
#
# The wire is the witness: captures loopback TCP with tshark while
# BUILD_DIR/tests/capture_scenarios.exe (wine-tests/capture_scenarios.c)
# closes connections through our stack in each row of the linger table,
# then checks, per scenario, the FIN and RST segments sent from OUR port:
#
#   hard, linger_timeout                       an RST from our port, and no FIN
#                                              from our port before it
#   dontlinger, linger_drained, shutdown_close a FIN from our port, and no RST
#                                              from our port before the peer's FIN
#
# Prints a result table; exit 0 all pass, 1 a failure, 77 skipped (no
# tshark, or no permission to capture on lo), 2 usage/setup error.
#
# Runs in the test run's Wine prefix (prefix.sh, like run.sh).  With
# CAPTURE_NO_SETUP=1 it uses the WINEPREFIX of the environment as it is
# (no copy, no ws2inst reset): for a private prefix.
# Files: BUILD_DIR/test-logs/capture.{pcapng,log,tshark.log}.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
if [ $# -ne 1 ]; then
    echo "usage: $0 BUILD_DIR" >&2
    exit 2
fi
build=$1
say() { printf 'capture.sh: %s\n' "$*" >&2; }

if ! command -v tshark >/dev/null 2>&1; then
    say "SKIP: tshark is not installed (apt-get install tshark)"
    exit 77
fi
if [ "$(id -u)" -ne 0 ] && ! command -v dumpcap >/dev/null 2>&1; then
    say "SKIP: not root and no dumpcap: cannot capture"
    exit 77
fi

# Can we capture on lo at all?  (Before the prefix setup, which may take long.)
probe=$(timeout 20 tshark -i lo -a duration:1 -w /dev/null -f tcp 2>&1)
probe_rc=$?
if [ $probe_rc -ne 0 ]; then
    printf '%s\n' "$probe" | grep -iE "permission to capture|not permitted|error|no such" | tail -3 >&2
    if printf '%s' "$probe" | grep -qiE "permission|not permitted|privileges|couldn't run"; then
        say "SKIP: no permission to capture on lo (run as root, or give dumpcap CAP_NET_RAW)"
        exit 77
    fi
    say "SKIP: tshark cannot capture on lo (exit $probe_rc)"
    exit 77
fi

PREFIX_TAG=capture.sh
. "$here/prefix.sh"
if [ "${CAPTURE_NO_SETUP:-0}" = 1 ]; then
    BUILD=$(cd "$build" && pwd) || exit 2
    : "${WINEPREFIX:?CAPTURE_NO_SETUP=1 needs WINEPREFIX}"
    export WINEARCH=win64 WINEDEBUG=${WINEDEBUG:--all}
else
    prefix_setup "$build" || exit 2
fi
exe="$BUILD/tests/capture_scenarios.exe"
if [ ! -f "$exe" ]; then
    say "no $exe: build it first (make all)"
    exit 2
fi

logs="$BUILD/test-logs"
mkdir -p "$logs"
pcap="$logs/capture.pcapng"
tlog="$logs/capture.tshark.log"
out="$logs/capture.log"
rm -f "$pcap" "$tlog" "$out"

# ---- capture --------------------------------------------------------------
tshark -i lo -w "$pcap" -f 'tcp' >"$tlog" 2>&1 &
tpid=$!
stop_tshark() {
    if [ -n "${tpid:-}" ] && kill -0 "$tpid" 2>/dev/null; then
        kill -INT "$tpid" 2>/dev/null
        for _ in $(seq 1 100); do kill -0 "$tpid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$tpid" 2>/dev/null && kill -KILL "$tpid" 2>/dev/null
        wait "$tpid" 2>/dev/null
    fi
    tpid=
}
# The prefix's wineserver is left alone: it ends by itself when the
# program is gone, and run.sh (which may call us) stops it at its own exit.
trap stop_tshark EXIT

capturing=0
for _ in $(seq 1 300); do
    if grep -q "Capturing on" "$tlog" 2>/dev/null; then capturing=1; break; fi
    if ! kill -0 "$tpid" 2>/dev/null; then break; fi
    sleep 0.1
done
if [ $capturing -eq 0 ]; then
    cat "$tlog" >&2
    tpid_alive=0; kill -0 "$tpid" 2>/dev/null && tpid_alive=1
    stop_tshark
    if grep -qiE "permission|not permitted|privileges" "$tlog"; then
        say "SKIP: no permission to capture on lo"
        exit 77
    fi
    say "tshark did not start capturing on lo (alive=$tpid_alive); see $tlog"
    exit 2
fi
sleep 1     # "Capturing on" comes as the capture starts; give it a moment

# ---- the scenarios through our stack ----------------------------------------
say "running capture_scenarios.exe under Wine ($WINEPREFIX)"
(cd "$BUILD/tests" && exec timeout -k 10 120 wine ./capture_scenarios.exe) >"$out" 2>&1
rc=$?
cat "$out"
sleep 1     # the last segments (FIN/ACK after the process) reach the capture
stop_tshark
if [ $rc -ne 0 ]; then
    say "capture_scenarios.exe exited $rc"
fi

# ---- the verdicts -------------------------------------------------------------
frames() {  # frames FILTER -> frame numbers, one a line
    tshark -r "$pcap" -Y "$1" -T fields -e frame.number 2>/dev/null
}

declare -A expect=(
    [hard]=rst [linger_timeout]=rst
    [dontlinger]=fin [linger_drained]=fin [shutdown_close]=fin
)
rows=()
bad=0
seen=0
while read -r _ name _ ours peer; do
    [ -n "${expect[$name]:-}" ] || continue
    seen=$((seen + 1))
    from_us="tcp.srcport==$ours && tcp.dstport==$peer"
    from_peer="tcp.srcport==$peer && tcp.dstport==$ours"
    all=$(frames "($from_us) || ($from_peer)" | wc -l)
    rst=$(frames "$from_us && tcp.flags.reset==1")
    fin=$(frames "$from_us && tcp.flags.fin==1")
    pfin=$(frames "$from_peer && tcp.flags.fin==1")
    nrst=$(printf '%s' "$rst" | grep -c . || true)
    nfin=$(printf '%s' "$fin" | grep -c . || true)
    first_rst=$(printf '%s\n' "$rst" | grep . | head -1)
    first_fin=$(printf '%s\n' "$fin" | grep . | head -1)
    first_pfin=$(printf '%s\n' "$pfin" | grep . | head -1)
    verdict=PASS; why=""
    if [ "$all" -eq 0 ]; then
        verdict=FAIL; why="no packets captured for this connection"
    elif [ "${expect[$name]}" = rst ]; then
        if [ "$nrst" -eq 0 ]; then
            verdict=FAIL; why="no RST from our port"
        elif [ -n "$first_fin" ] && [ "$first_fin" -lt "$first_rst" ]; then
            verdict=FAIL; why="FIN (frame $first_fin) before the RST (frame $first_rst)"
        fi
    else
        if [ "$nfin" -eq 0 ]; then
            verdict=FAIL; why="no FIN from our port"
        elif [ -n "$first_rst" ] && { [ -z "$first_pfin" ] || [ "$first_rst" -lt "$first_pfin" ]; }; then
            verdict=FAIL; why="RST from our port (frame $first_rst) before the peer closed (${first_pfin:-never})"
        fi
    fi
    [ $verdict = PASS ] || bad=1
    rows+=("$name|${expect[$name]}|$ours|$peer|$all|$nfin|$nrst|${first_fin:--}|${first_rst:--}|${first_pfin:--}|$verdict|$why")
done < <(tr -d '\r' <"$out" | grep '^scenario ')

echo
printf '%-15s %-6s %6s %6s %6s %4s %4s %9s %9s %9s  %s\n' \
    scenario expect ours peer pkts fin rst first-fin first-rst peer-fin result
for r in "${rows[@]}"; do
    IFS='|' read -r n e o p a f s ff fr pf v w <<<"$r"
    printf '%-15s %-6s %6s %6s %6s %4s %4s %9s %9s %9s  %s%s\n' \
        "$n" "$e" "$o" "$p" "$a" "$f" "$s" "$ff" "$fr" "$pf" "$v" "${w:+ ($w)}"
done
if [ $seen -ne ${#expect[@]} ]; then
    say "expected ${#expect[@]} scenarios, the program reported $seen"
    bad=1
fi
[ $rc -eq 0 ] || bad=1
echo "capture: $([ $bad -eq 0 ] && echo PASS || echo FAIL)  (pcap: $pcap)"
exit $bad
