#!/usr/bin/env bash
# wine-tests/sdk_beam.sh BUILD_DIR - the beam sample (sdk/samples/beam), an
# IrOBEX sender and receiver, between two IrDA stations: two Wine processes,
# each its own station (own nickname and device address), on a private
# loopback air port.
#   beam_by_device_name:   `beam receive` and `beam send --device NAME` on the
#                          standard service OBEX:IrXfer, 1 MiB of random
#                          bytes; both exit 0, both print the same CRC-32,
#                          which is the file's (from gzip's trailer), the copy
#                          is identical, the sender listed the receiver with
#                          the IrOBEX hint bits (84 20) and printed progress;
#   beam_by_service:       without --device, on another service name: the
#                          sender finds the station offering it via IAS (an
#                          empty file, too);
#   beam_obex_capture:     the sender's IrDA capture (CEWS2_IRDA_CAPTURE) with
#                          the receiver announcing 1024-byte OBEX packets:
#                          tshark reads the IrDA pcap without a malformed
#                          frame, and the OBEX stream taken from its TinyTP
#                          data (wine-tests/obex_from_irda.pl, as Wireshark's
#                          exported PDUs) decodes as OBEX: Connect, Put with
#                          the Name, Length and Body, Continue, Put final,
#                          Success, Disconnect, no malformed packet; every
#                          Put within the 1024 negotiated, all but the last
#                          two full; the Body bytes equal the file;
#   beam_error_response:   a receiver that cannot write answers the Put
#                          with C3 Forbidden: the sender stops and both exit 4;
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
# (TX_ENV: extra environment for the sender, e.g. a capture file)
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
    env ${TX_ENV:-} CEWS2_IRDA_NICKNAME=beam-tx-$$ CEWS2_IRDA_DEVICE_ADDRESS=$((0x6B000000 + $$ % 65536 * 16 + 2)) \
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
    beam_pair named $((1 << 20)) -- --device "beam-rx-$$"
    check_pair named || return 1
    grep -q "^beam:   \"beam-rx-$$\" (device [0-9a-f]*, hints 84 20: OBEX)" named.tx.log ||
        { t_say "the receiver was not listed with the IrOBEX hint bits"; return 1; }
    grep -q "offers \"OBEX:IrXfer\" at LSAP-SEL [0-9]" named.tx.log || { t_say "no IAS line"; return 1; }
    grep -q "^beam: sent 1048576/1048576 bytes (100%)" named.tx.log || { t_say "no progress lines"; return 1; }
    grep -q "^beam: received 1048576/1048576 bytes (100%)" named.rx.log || { t_say "no progress lines"; return 1; }
}

by_service() {
    beam_pair bysvc 100000 --service CeBeamTest -- --service CeBeamTest && check_pair bysvc || return 1
    beam_pair empty 0 -- && check_pair empty
}

obex_capture() {
    local pcap=$work/beam-tx.irda.pcap winpcap lsap out=$work/obex
    rm -f "$pcap" "$out".*
    winpcap=$(winepath -w "$pcap" 2>/dev/null | tr -d '\r')
    TX_ENV="CEWS2_IRDA_CAPTURE=$winpcap" beam_pair cap 50000 --max-packet 1024 -- --device "beam-rx-$$"
    check_pair cap || return 1
    timeout 30 wineserver -w 2>/dev/null     # the sender's station is gone: the file is complete
    lsap=$(sed -n 's/.* at LSAP-SEL \([0-9]*\)$/\1/p' cap.tx.log)
    [ -s "$pcap" ] && [ -n "$lsap" ] || { t_say "no capture ($pcap) or no LSAP in the log"; return 1; }
    # the IrDA capture itself: every frame decodes, none malformed
    local bad
    bad=$(tshark -r "$pcap" -T fields -e frame.number -e _ws.malformed 2>/dev/null | awk -F'\t' '$2 != ""' | head -5)
    [ -z "$bad" ] || { t_say "malformed IrDA frames: $bad"; return 1; }
    # the OBEX stream of LSAP $lsap, as Wireshark exported PDUs
    perl "$SDK_TOP/wine-tests/obex_from_irda.pl" "$pcap" "$lsap" "$out.pcap" "$out.body" >"$out.txt" || {
        cat "$out.txt"; t_say "no OBEX stream in the capture"; return 1; }
    cat "$out.txt"
    tshark -r "$out.pcap" >"$out.summary" 2>"$out.err"
    tshark -r "$out.pcap" -T fields -e frame.number -e obex.opcode -e obex.pkt_len -e obex.max_pkt_len \
        -e obex.name -e obex.length -e _ws.malformed -e _ws.expert.message >"$out.fields" 2>>"$out.err"
    sed 's/^/     /' "$out.summary"
    grep -v "^Running as user" "$out.err" | grep . && { t_say "tshark complained"; return 1; }
    local want rc=0
    for want in 'Sent Connect' 'Rcvd Success' "Sent Put continue \"cap.in\"" 'Rcvd Continue' 'Sent Put final' \
                'Sent Disconnect'; do
        grep -qF "$want" "$out.summary" && t_say "seen: $want" || { t_say "MISSING: $want"; rc=1; }
    done
    [ "$(tail -1 "$out.summary" | grep -c 'Rcvd Success')" = 1 ] || { t_say "the session does not end in Success"; rc=1; }
    grep -q 'Malformed' "$out.summary" && { t_say "malformed OBEX packets"; rc=1; }
    awk -F'\t' '$7 != "" { bad = 1 } END { exit bad }' "$out.fields" || { t_say "malformed OBEX fields"; rc=1; }
    # the negotiated size: the receiver's 1024 in its Connect answer; Puts within it, all but the last two full
    grep -q 'negotiated 1024' "$out.txt" || { t_say "the receiver did not announce 1024"; rc=1; }
    grep -q '^puts: [0-9]* within 1024, full but the last 2$' "$out.txt" || { t_say "Put sizes wrong"; rc=1; }
    awk -F'\t' '$5 == "cap.in" && $6 == 50000 { ok = 1 } END { exit !ok }' "$out.fields" ||
        { t_say "no Put with Name cap.in and Length 50000"; rc=1; }
    cmp "$out.body" cap.in || { t_say "the Body bytes on the air differ from the file"; rc=1; }
    return $rc
}

error_response() {
    beam_pair denied 5000 --out no-such-dir/copy.bin -- --device "beam-rx-$$"
    [ "$tx_rc" = 4 ] || { t_say "sender exit $tx_rc, wanted 4"; return 1; }
    [ "$rx_rc" = 4 ] || { t_say "receiver exit $rx_rc, wanted 4"; return 1; }
    grep -q "answered C3 Forbidden" denied.tx.log || { t_say "the sender did not report Forbidden"; return 1; }
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
if command -v tshark >/dev/null 2>&1; then
    t_run beam_obex_capture obex_capture
else
    t_skip beam_obex_capture "no tshark"
fi
t_run beam_error_response error_response
t_run beam_no_such_device no_such_device
t_done
