#!/usr/bin/env bash
# wine-tests/irda_ircomm_capture.sh BUILD_DIR - 9-wire mode judged by tshark.
#
# Runs test_irda_ircomm.exe's ninewire_sockets_interoperate (two stations
# under Wine: a 9-wire client and a 9-wire server bound to "IrDA:IrCOMM";
# the client reads the class's IAS "Parameters", connects, sends 5 and
# 60000 bytes, the server echoes them) with the client's capture in
# BUILD_DIR/sdk-tests/irda_ircomm/, then checks with tshark 4.0:
#   the IAS lookups ask for "IrDA:IrCOMM" / "Parameters" and
#   "IrDA:IrCOMM" / "IrDA:TinyTP:LsapSel", and tshark decodes the
#   Parameters answer as Service Type (9-Wire) and Port Type (serial);
#   tshark takes that LSAP as cooked IrCOMM and decodes the frames as
#   IrCOMM over TinyTP: the opening frame Clen=6 with the control bytes
#   00 01 04 20 01 0f, the answer Clen=3 with 21 01 bb, the 5 bytes as
#   "Clen=0, UserData: 5 bytes"; every TinyTP frame after the connect,
#   both ways, is IrCOMM, the largest with 2044 user bytes; none is
#   malformed.
# run.sh runs it as the suite `irda_ircomm_capture` (and in a full run, so
# make check); output in cmocka's format.  Exit 0 pass, 1 fail, 77 skipped
# (no tshark), 2 setup error.
# The frame (tshark or skip, the prefix, the files, the run) is
# irda_pcap_suite.sh's.
. "$(dirname "$0")/irda_pcap_suite.sh"
pcap_suite_files test_irda_ircomm.exe irda_ircomm ircomm.pcap

capture_run() { pcap_suite_run_case CEWS2_TEST_IRCOMM_CAPTURE ninewire_sockets_interoperate; }

ias_names_ircomm() {
    tshark -r "$pcap" 2>/dev/null > "$decode"
    tshark -r "$pcap" -V 2>/dev/null > "$decode.v"
    grep -q 'GetValueByClass: "IrDA:IrCOMM" "Parameters"' "$decode" &&
        grep -q 'GetValueByClass: "IrDA:IrCOMM" "IrDA:TinyTP:LsapSel"' "$decode" &&
        grep -q 'IrCOMM Parameter: Service Type (9-Wire)' "$decode.v" &&
        grep -q 'IrCOMM Parameter: Port Type (serial)' "$decode.v"
}

# Info column and control / user data bytes of every IrCOMM frame
frames_cooked() {
    local info
    info=$(tshark -r "$pcap" -Y ttp \
               -T fields -e _ws.col.Info -e data.data 2>/dev/null | cut -c1-60 | sort | uniq -c)
    t_say "$(echo "$info" | grep -E 'Clen=[36]|UserData: 5 ' | tr '\n' ';')"
    echo "$info" | grep -q 'Clen=6	00010420010f' &&
        echo "$info" | grep -q 'Clen=3	2101bb' &&
        echo "$info" | grep -q 'Clen=0, UserData: 5 bytes	48454c4c4f'
}

# every TinyTP frame after the connect is IrCOMM (IAS is not TinyTP), and
# the largest carry 2044 user bytes: a full 2048-byte frame less IrLMP (2),
# TinyTP (1) and clen (1)
all_frames_ircomm_no_malformed() {
    local other sizes
    other=$(tshark -r "$pcap" -Y ttp -T fields -e _ws.col.Info 2>/dev/null |
            grep -v 'Clen=' | grep -v 'Connect' | sort | uniq -c)
    sizes=$(tshark -r "$pcap" -Y ircomm -T fields -e _ws.col.Info 2>/dev/null |
            grep -o 'UserData: [0-9]* bytes' | sort -t' ' -k2 -n | uniq -c | tail -3 | tr '\n' ';')
    t_say "TinyTP frames not IrCOMM: ${other:-none}; largest: $sizes"
    [ -z "$other" ] && echo "$sizes" | grep -q 'UserData: 2044 bytes' &&
        ! echo "$sizes" | grep -Eq 'UserData: (204[5-9]|20[5-9][0-9]) bytes' && pcap_no_malformed
}

t_run irda_ircomm_capture_run capture_run
if [ -s "$pcap" ]; then
    t_run irda_ircomm_ias_parameters_9wire ias_names_ircomm
    t_run irda_ircomm_frames_cooked frames_cooked
    t_run irda_ircomm_all_frames_ircomm_no_malformed all_frames_ircomm_no_malformed
fi
t_done
