#!/usr/bin/env bash
# wine-tests/irda_irlpt_capture.sh BUILD_DIR - IrLPT mode judged by tshark.
#
# Runs test_irda_modes.exe's irlpt_mode_exchanges_frames (two stations
# under Wine: an IrLPT-mode client and an IrLPT-mode server serving IAS
# class "IrLPT"; the client sends 5, 2 and 2046 bytes, the server echoes
# each) with the client's capture in BUILD_DIR/sdk-tests/irda_irlpt/, then
# checks with tshark 4.0:
#   the IAS lookup asks for "IrLPT" / "IrDA:IrLMP:LsapSel";
#   tshark takes that LSAP as IrLPT (IrCOMM 3-wire raw) and decodes the
#   data frames as IrCOMM user data of exactly 5, 2 and 2046 bytes, each
#   frame being IrLAP (2) + IrLMP (2) + the data: no TinyTP byte;
#   no frame decodes as TinyTP (ttp), none is malformed.
# run.sh runs it as the suite `irda_irlpt_capture` (and in a full run,
# so make check); output in cmocka's format.  Exit 0 pass, 1 fail, 77
# skipped (no tshark), 2 setup error.
if ! command -v tshark >/dev/null 2>&1; then
    echo "irda_irlpt_capture.sh: SKIP: tshark is not installed" >&2
    echo "[ RUN      ] irda_irlpt_capture"
    echo "[  SKIPPED ] irda_irlpt_capture"
    echo "[==========] 1 test(s) run."
    exit 77
fi
. "$(dirname "$0")/../sdk/tests/sdk_testlib.sh"
t_need_prefix || exit 2
exe=$SDK_BUILD/tests/test_irda_modes.exe
work=$SDK_TMP/irda_irlpt
mkdir -p "$work"
pcap=$work/irlpt.pcap
run_log=$work/run.log
decode=$work/decode.txt
rm -f "$pcap" "$run_log" "$decode"
[ -f "$exe" ] || { echo "irda_irlpt_capture.sh: no $exe (make all)" >&2; exit 2; }

capture_run() {
    local winpcap rc
    winpcap=$(winepath -w "$pcap" 2>/dev/null | tr -d '\r')
    t_say "CEWS2_TEST_MODES_CAPTURE=$winpcap"
    # the filter is argv[1] (tu_main_init); the suite's own cmocka lines are
    # indented so run.sh counts only this script's results
    (cd "$work" && CEWS2_TEST_MODES_CAPTURE=$winpcap \
        timeout -k 10 240 wine "$exe" irlpt_mode_exchanges_frames) 2>&1 |
        sed -u 's/\r$//' | tee "$run_log" | sed -u 's/^/    /'
    rc=${PIPESTATUS[0]}
    timeout 30 wineserver -w 2>/dev/null
    [ "$rc" -eq 0 ] && [ -s "$pcap" ]
}

ias_names_irlmp() {
    tshark -r "$pcap" 2>/dev/null > "$decode"
    grep -q 'GetValueByClass: "IrLPT" "IrDA:IrLMP:LsapSel"' "$decode" &&
        grep -q 'Result: Success, Integer' "$decode"
}

# frame length and IrCOMM user data length of every data frame (both ways)
data_frames_bare() {
    local got
    got=$(tshark -r "$pcap" -Y ircomm -T fields -e frame.len -e data.len 2>/dev/null |
          sort -u | tr '\t\n' ': ')
    t_say "data frames (frame length:data length): $got"
    # IrLAP 2 + IrLMP 2 + data (tshark counts no pseudo header here)
    for want in "9:5" "6:2" "2050:2046"; do
        echo " $got" | grep -q " $want " || { t_say "missing $want"; return 1; }
    done
}

no_tinytp_no_malformed() {
    local protos
    protos=$(tshark -r "$pcap" -T fields -e frame.protocols 2>/dev/null | sort | uniq -c)
    t_say "$(echo "$protos" | tr '\n' ';')"
    ! echo "$protos" | grep -q ttp && ! tshark -r "$pcap" -Y '_ws.malformed || _ws.expert.severity == error' 2>/dev/null | grep -q .
}

t_run irda_irlpt_capture_run capture_run
if [ -s "$pcap" ]; then
    t_run irda_irlpt_ias_names_irlmp_lsapsel ias_names_irlmp
    t_run irda_irlpt_data_frames_without_tinytp data_frames_bare
    t_run irda_irlpt_no_tinytp_no_malformed no_tinytp_no_malformed
fi
t_done
