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
# The frame (tshark or skip, the prefix, the files, the run) is
# irda_pcap_suite.sh's.
. "$(dirname "$0")/irda_pcap_suite.sh"
pcap_suite_files test_irda_modes.exe irda_irlpt irlpt.pcap

capture_run() { pcap_suite_run_case CEWS2_TEST_MODES_CAPTURE irlpt_mode_exchanges_frames; }

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
    ! echo "$protos" | grep -q ttp && pcap_no_malformed
}

t_run irda_irlpt_capture_run capture_run
if [ -s "$pcap" ]; then
    t_run irda_irlpt_ias_names_irlmp_lsapsel ias_names_irlmp
    t_run irda_irlpt_data_frames_without_tinytp data_frames_bare
    t_run irda_irlpt_no_tinytp_no_malformed no_tinytp_no_malformed
fi
t_done
