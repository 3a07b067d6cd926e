#!/usr/bin/env bash
# wine-tests/demo.sh BUILD_DIR - the demo behind `make demo`.
#
# Sets up the test prefix exactly as run.sh does (BUILD_DIR/wineprefix,
# providers registered with `ws2inst reset`), shows the registrations and
# the catalog (`ws2inst list`), then runs the TCP and UDP echo scenarios
# through ce-winsock with step-by-step logging (TU_VERBOSE=1), shows the CE
# 5.0 linger table as observed (the lingertable sample), beams a file between
# two IrDA stations (the beam sample), and prints a plain summary.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
if [ $# -lt 1 ]; then
    echo "usage: $0 BUILD_DIR" >&2
    exit 2
fi
PREFIX_TAG=demo.sh
. "$here/prefix.sh"
prefix_setup "$1" || exit 2
trap prefix_stop EXIT
export CMOCKA_MESSAGE_OUTPUT=stdout TU_VERBOSE=1

echo "== ws2inst list"
(cd "$SYS32" && wine ws2inst.exe list)
list_rc=$?

declare -a names=() results=()
run_step() {   # title exe filter
    local title=$1 exe=$2 filter=$3
    echo
    echo "== $title"
    if [ ! -f "$BUILD/tests/$exe" ]; then
        echo "(missing $BUILD/tests/$exe: run make first)"
        names+=("$title"); results+=("missing"); return
    fi
    (cd "$BUILD/tests" && timeout -k 10 120 wine "./$exe" "$filter")
    local rc=$?
    names+=("$title"); results+=("$([ $rc -eq 0 ] && echo ok || echo "FAILED (rc=$rc)")")
}
run_step "TCP echo: our client -> host ws2_32 echo peer (IPv4)" test_tcp.exe "echo_client_to_host_peer_v4"
run_step "TCP: our server <-> our client, 4 MiB + 3 MiB" test_tcp.exe "our_server_our_client_v4"
run_step "UDP echo: our socket -> host ws2_32 echo peer" test_udp.exe "udp_echo_host_v4"

# The CE 5.0 linger table, observed by the SDK sample (sdk/samples/lingertable):
# one connection per row, judged by a peer on the host's ws2_32.
run_sample() {   # title exe [args...]
    local title=$1 exe=$2; shift 2
    echo
    echo "== $title"
    if [ ! -f "$BUILD/samples/$exe" ]; then
        echo "(missing $BUILD/samples/$exe: run make first)"
        names+=("$title"); results+=("missing"); return
    fi
    (cd "$BUILD/samples" && timeout -k 10 180 wine "./$exe" "$@") | sed -u 's/\r$//' | tee "$BUILD/demo-$exe.log"
    local rc=${PIPESTATUS[0]}
    names+=("$title"); results+=("$([ $rc -eq 0 ] && echo ok || echo "FAILED (rc=$rc)")")
}
run_sample "CE 5.0 linger table, as observed (5 rows)" lingertable.exe
if [ -f "$BUILD/demo-lingertable.exe.log" ]; then   # one summary line per row of the table
    while IFS='|' read -r row verdict; do
        names+=("  $row"); results+=("$verdict")
    done < <(awk '/^[0-9] +SO_/ {
            opt = $2; if ($3 ~ /^\{/) opt = opt " " $3
            ms = $(NF-4); sub(/^\(/, "", ms)
            split($(NF-1), b, "/")
            how = /WSAEWOULDBLOCK/ ? "would block, then 0" : $(NF-5) == "yes" ? "waited " ms " ms" : "at once"
            printf "row %s %s: %s; %s, %s|%s\n", $1, opt, how, $(NF-2),
                (b[1] == b[2] ? "all bytes" : "data lost"),
                ($NF == "yes" ? "ok" : "differs from CE 5.0") }' "$BUILD/demo-lingertable.exe.log")
fi
# IrDA: the beam sample (sdk/samples/beam) between two stations, i.e. two
# processes with their own nickname and device address, on a private
# loopback air: the sender discovers, asks IAS, connects by service name and
# sends 1 MiB with progress; both print the CRC-32 of what they handled.
beam_step() {
    local title="IrDA beam between two stations (1 MiB, beam sample)"
    local dir=$BUILD/demo-beam exe=$BUILD/samples/beam.exe rx_rc tx_rc rxpid rxcrc txcrc
    echo
    echo "== $title"
    if [ ! -f "$exe" ]; then
        echo "(missing $exe: run make first)"
        names+=("$title"); results+=("missing"); return
    fi
    mkdir -p "$dir" && rm -f "$dir"/*
    head -c $((1 << 20)) /dev/urandom >"$dir/photo.bin"
    (
        cd "$dir" || exit 2
        export CEWS2_IRDA_AIR_PORT=$((50000 + $$ % 10000)) CEWS2_IRDA_AIR_HUB_IDLE=3
        CEWS2_IRDA_NICKNAME=handheld-B CEWS2_IRDA_DEVICE_ADDRESS=0x0000B0B0 \
            timeout -k 10 150 wine "$exe" receive --service DemoBeam --out received.bin --timeout 140 \
            2>&1 | sed -u 's/\r$//; s/^/  [receiver] /' | tee rx.log &
        rxpid=$!
        for _ in $(seq 1 100); do grep -q "waiting for a file" rx.log 2>/dev/null && break; sleep 0.2; done
        CEWS2_IRDA_NICKNAME=handheld-A CEWS2_IRDA_DEVICE_ADDRESS=0x0000A0A0 \
            timeout -k 10 150 wine "$exe" send photo.bin --service DemoBeam --device handheld-B --timeout 140 \
            2>&1 | sed -u 's/\r$//; s/^/  [sender]   /' | tee tx.log
        echo "${PIPESTATUS[0]}" >tx.rc
        wait "$rxpid"
    )
    tx_rc=$(cat "$dir/tx.rc" 2>/dev/null || echo 99)
    txcrc=$(sed -n 's/.*beam: sent .* CRC-32 \([0-9A-F]\{8\}\)$/\1/p' "$dir/tx.log")
    rxcrc=$(sed -n 's/.*beam: received .* CRC-32 \([0-9A-F]\{8\}\)$/\1/p' "$dir/rx.log")
    names+=("$title")
    if [ "$tx_rc" = 0 ] && [ -n "$txcrc" ] && [ "$txcrc" = "$rxcrc" ] && cmp -s "$dir/photo.bin" "$dir/received.bin"; then
        results+=(ok)
        names+=("  1 MiB handheld-A -> handheld-B, CRC-32 $txcrc = $rxcrc"); results+=(ok)
    else
        results+=("FAILED (sender exit $tx_rc, CRC-32 ${txcrc:-none} / ${rxcrc:-none})")
    fi
}
beam_step

echo
echo "== demo summary"
printf '  %-60s %s\n' "ws2inst list" "$([ $list_rc -eq 0 ] && echo ok || echo "FAILED (rc=$list_rc)")"
bad=$([ $list_rc -eq 0 ] && echo 0 || echo 1)
for i in "${!names[@]}"; do
    printf '  %-60s %s\n' "${names[$i]}" "${results[$i]}"
    [ "${results[$i]}" = ok ] || bad=1
done
exit $bad
