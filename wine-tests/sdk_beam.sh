#!/usr/bin/env bash
# wine-tests/sdk_beam.sh BUILD_DIR - the beam sample (sdk/samples/beam)
# between two IrDA stations: two Wine processes, each its own station (own
# nickname and device address), on a private loopback air port.
#   beam_by_device_name:   `beam receive` and `beam send --device NAME`, 1 MiB of
#                          random bytes; both exit 0, both print the same
#                          CRC-32, which is the file's (from gzip's trailer),
#                          the copy is identical, the sender listed the
#                          receiver's nickname and printed progress;
#   beam_by_service:       without --device: the sender finds the station
#                          offering the service via IAS (an empty file, too);
#   beam_no_such_device:   --device nobody: the sender gives up with exit 3.
. "$(dirname "$0")/../sdk/tests/sdk_testlib.sh"
t_need_prefix || exit 2
beam=$SDK_BUILD/samples/beam.exe
work=$SDK_TMP/beam
mkdir -p "$work"
cd "$work" || exit 2

# a private air for this run (not 6417, not another run's)
export CEWS2_IRDA_AIR_PORT=$((50000 + $$ % 10000))
export CEWS2_IRDA_AIR_HUB_IDLE=3
t_say "air port $CEWS2_IRDA_AIR_PORT"

# crc32 FILE: the CRC-32 of FILE in hex, upper case (gzip's trailer keeps it)
crc32() {
    gzip -c <"$1" | tail -c 8 | head -c 4 | od -An -tx4 | tr -d ' \n' | tr a-f A-F
}

# beam_pair NAME SIZE RX_ARGS -- TX_ARGS: runs a receiver and a sender
beam_pair() {
    local name=$1 size=$2; shift 2
    local rx_args=() tx_args=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do rx_args+=("$1"); shift; done
    shift
    tx_args=("$@")
    local in=$name.in out=$name.out rx=$name.rx.log tx=$name.tx.log
    rm -f "$in" "$out" "$rx" "$tx"
    head -c "$size" /dev/urandom >"$in"
    CEWS2_IRDA_NICKNAME=beam-rx-$$ CEWS2_IRDA_DEVICE_ADDRESS=$((0x6B000000 + $$ % 65536 * 16 + 1)) \
        timeout -k 5 150 wine "$beam" receive --out "$out" --timeout 140 "${rx_args[@]}" >"$rx" 2>&1 &
    local rxpid=$!
    # the receiver is listening before the sender looks (the sender retries anyway)
    for _ in $(seq 1 100); do grep -q "waiting for a file" "$rx" 2>/dev/null && break; sleep 0.2; done
    CEWS2_IRDA_NICKNAME=beam-tx-$$ CEWS2_IRDA_DEVICE_ADDRESS=$((0x6B000000 + $$ % 65536 * 16 + 2)) \
        timeout -k 5 150 wine "$beam" send "$in" --timeout 140 "${tx_args[@]}" >"$tx" 2>&1
    tx_rc=$?
    wait "$rxpid"
    rx_rc=$?
    sed -i 's/\r$//' "$rx" "$tx"
    echo "--- sender (exit $tx_rc)"; cat "$tx"
    echo "--- receiver (exit $rx_rc)"; cat "$rx"
}

check_pair() {   # NAME: both sides exit 0 with the file's CRC-32 and an identical copy
    local name=$1 want rxcrc txcrc
    want=$(crc32 "$name.in")
    txcrc=$(sed -n 's/^beam: sent .* CRC-32 \([0-9A-F]\{8\}\)$/\1/p' "$name.tx.log")
    rxcrc=$(sed -n 's/^beam: received .* CRC-32 \([0-9A-F]\{8\}\)$/\1/p' "$name.rx.log")
    t_say "file CRC-32 $want; sender printed ${txcrc:-nothing}; receiver printed ${rxcrc:-nothing}"
    [ "$tx_rc" -eq 0 ] || { t_say "sender exit $tx_rc"; return 1; }
    [ "$rx_rc" -eq 0 ] || { t_say "receiver exit $rx_rc"; return 1; }
    [ -n "$txcrc" ] && [ "$txcrc" = "$rxcrc" ] && [ "$txcrc" = "$want" ] || { t_say "checksums differ"; return 1; }
    grep -q "receiver's CRC-32 $want: match" "$name.tx.log" || { t_say "sender did not report a match"; return 1; }
    grep -q "sender's CRC-32 $want: match" "$name.rx.log" || { t_say "receiver did not report a match"; return 1; }
    cmp "$name.in" "$name.out" || { t_say "the copy differs"; return 1; }
}

by_device_name() {
    beam_pair named $((1 << 20)) --service CeBeamTest -- --service CeBeamTest --device "beam-rx-$$"
    check_pair named || return 1
    grep -q "^beam:   \"beam-rx-$$\" (device " named.tx.log || { t_say "the receiver's nickname was not listed"; return 1; }
    grep -q "offers \"CeBeamTest\" at LSAP-SEL [0-9]" named.tx.log || { t_say "no IAS line"; return 1; }
    grep -q "^beam: sent 1048576/1048576 bytes (100%)" named.tx.log || { t_say "no progress lines"; return 1; }
    grep -q "^beam: received 1048576/1048576 bytes (100%)" named.rx.log || { t_say "no progress lines"; return 1; }
}

by_service() {
    beam_pair bysvc 100000 -- && check_pair bysvc || return 1
    beam_pair empty 0 -- && check_pair empty
}

no_such_device() {
    local out=nodev.tx.log rc
    echo x >nodev.in
    CEWS2_IRDA_NICKNAME=beam-tx-$$ timeout -k 5 90 wine "$beam" send nodev.in --device nobody-here --wait 4 \
        --timeout 80 >"$out" 2>&1
    rc=$?
    sed -i 's/\r$//' "$out"
    cat "$out"
    [ "$rc" -eq 3 ] && grep -q 'no device "nobody-here"' "$out"
}

if [ ! -f "$beam" ]; then
    t_skip beam_by_device_name "no $beam (make all)"
    t_done
fi
t_run beam_by_device_name by_device_name
t_run beam_by_service by_service
t_run beam_no_such_device no_such_device
t_done
