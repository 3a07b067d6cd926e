# shellcheck shell=bash disable=SC2034
# wine-tests/irda_pcap_suite.sh - sourced, at the top level and with the
# script's own arguments (BUILD_DIR), by the shell suites that judge an IrDA
# station's capture with tshark: irda_capture.sh, irda_irlpt_capture.sh,
# irda_ircomm_capture.sh.  What they share is the frame around their
# judgement, kept here so that the three cannot drift apart:
#   - no tshark: the suite is reported SKIPPED (cmocka's format, named after
#     the script) and the script exits 77;
#   - the SDK's test library (sdk/tests/sdk_testlib.sh: t_run, t_say,
#     t_done) and the test run's Wine prefix;
#   - pcap_suite_files EXE DIR PCAP: the test program BUILD_DIR/tests/EXE
#     ($exe), a fresh work directory BUILD_DIR/sdk-tests/DIR ($work) with
#     $pcap, $run_log and $decode in it (old ones removed); no EXE: exit 2;
#   - pcap_suite_run_case VAR CASE: runs the one cmocka case CASE of $exe
#     with the capture file in environment variable VAR, its cmocka lines
#     indented so that run.sh counts only the script's own results; passes
#     when the case ran and passed (its own "[       OK ] CASE" line: a
#     filter that matches no case runs nothing and exits 0) and the
#     capture is not empty;
#   - pcap_no_malformed: no frame of $pcap is malformed or carries an
#     expert error.
# Each script keeps its own checks, their order and names.
pcap_suite=${0##*/}
pcap_suite=${pcap_suite%.sh}
if ! command -v tshark >/dev/null 2>&1; then
    echo "$pcap_suite.sh: SKIP: tshark is not installed (apt-get install tshark)" >&2
    echo "[ RUN      ] $pcap_suite"
    echo "[  SKIPPED ] $pcap_suite"
    echo "[==========] 1 test(s) run."
    exit 77
fi
. "$(dirname "${BASH_SOURCE[0]}")/../sdk/tests/sdk_testlib.sh"
t_need_prefix || exit 2

# pcap_suite_files EXE DIR PCAP
pcap_suite_files() {
    exe=$SDK_BUILD/tests/$1
    work=$SDK_TMP/$2
    mkdir -p "$work"
    pcap=$work/$3
    run_log=$work/run.log
    decode=$work/decode.txt
    rm -f "$pcap" "$run_log" "$decode"
    [ -f "$exe" ] || { echo "$pcap_suite.sh: no $exe (make all)" >&2; exit 2; }
}

# pcap_suite_run_case VAR CASE
pcap_suite_run_case() {
    local var=$1 test_case=$2 winpcap rc
    winpcap=$(winepath -w "$pcap" 2>/dev/null | tr -d '\r')
    t_say "$var=$winpcap"
    # the filter is argv[1] (tu_main_init)
    (cd "$work" && export "$var=$winpcap" && timeout -k 10 240 wine "$exe" "$test_case") 2>&1 |
        sed -u 's/\r$//' | tee "$run_log" | sed -u 's/^/    /'
    rc=${PIPESTATUS[0]}
    timeout 30 wineserver -w 2>/dev/null    # every station gone: the file is complete
    if ! grep -qxF "[       OK ] $test_case" "$run_log"; then
        t_say "case $test_case did not run and pass in $exe (exit $rc)"
        return 1
    fi
    [ "$rc" -eq 0 ] && [ -s "$pcap" ]
}

pcap_no_malformed() {
    ! tshark -r "$pcap" -Y '_ws.malformed || _ws.expert.severity == error' 2>/dev/null | grep -q .
}
