#!/usr/bin/env bash
# wine-tests/irda_capture.sh BUILD_DIR - the IrDA stack's own capture, judged
# by tshark (issue 6: "the pcap is the oracle").
#
# Runs BUILD_DIR/tests/test_irda.exe --capture-run with CEWS2_IRDA_CAPTURE
# set for that station only: it starts a second station (a child process)
# on a private air port, discovers it, queries IAS (IrDA:IrCOMM's LsapSel, a
# missing class, a string), connects to "IrDA:IrCOMM" (zero data both ways,
# so tshark's IrCOMM dissector sees a valid clen of 0 in every TinyTP PDU)
# and to a plain service (pattern data, then the peer's close), and waits
# for the idle link's disconnect.  Then checks, with tshark 4.0:
#   the file is a pcap of link type 144 (LINKTYPE_LINUX_IRDA), every record
#   with the 16-byte header (direction 0 received / 4 sent, both present;
#   protocol 0x0017) and the file ends on a record boundary;
#   every frame decodes as IrLAP, none is malformed or carries an expert
#   error, and tshark reads the file to its end without complaint;
#   IrLAP, IrLMP, IAP and TinyTP (ttp) all appear;
#   the scenario is all there: XID discovery with both nicknames, SNRM/UA,
#   IAS GetValueByClass and its results, IrLMP connect/disconnect, IrLAP
#   I-frames, and DISC.
# Output in cmocka's format (one test per check) for run.sh.  Exit 0 pass,
# 1 fail, 77 skipped (no tshark), 2 setup error.
# Files: BUILD_DIR/sdk-tests/irda_capture/{irda.pcap,run.log,decode.txt,fields.tsv}.
# The frame (tshark or skip, the prefix, the files) is irda_pcap_suite.sh's.
. "$(dirname "$0")/irda_pcap_suite.sh"
pcap_suite_files test_irda.exe irda_capture irda.pcap
fields=$work/fields.tsv
summary=$work/summary.txt
rm -f "$fields" "$summary"

capture_run() {
    local winpcap rc
    winpcap=$(winepath -w "$pcap" 2>/dev/null | tr -d '\r')
    t_say "CEWS2_IRDA_CAPTURE=$winpcap"
    (cd "$work" && CEWS2_IRDA_CAPTURE=$winpcap timeout -k 10 240 wine "$exe" --capture-run) 2>&1 |
        sed -u 's/\r$//' | tee "$run_log"
    rc=${PIPESTATUS[0]}
    timeout 30 wineserver -w 2>/dev/null    # every station gone: the file is complete
    [ "$rc" -eq 0 ] || { t_say "capture run exited $rc"; return 1; }
    grep -q '^capture-run: done' "$run_log"
}

pcap_header() {
    [ -s "$pcap" ] || { t_say "no capture file $pcap"; return 1; }
    local magic linktype
    magic=$(od -An -tx4 -j0 -N4 "$pcap" | tr -d ' ')
    linktype=$(od -An -tu4 -j20 -N4 "$pcap" | tr -d ' ')
    t_say "magic $magic, link type $linktype, $(stat -c %s "$pcap") bytes"
    [ "$magic" = a1b2c3d4 ] && [ "$linktype" = 144 ]
}

# The 16-byte LINKTYPE_LINUX_IRDA header of every record: direction 0
# (received) or 4 (sent), both present, and protocol 0x0017 (perl-base is
# on every Debian).
pseudo_headers() {
    local out
    out=$(perl -e '
        open(my $f, "<:raw", $ARGV[0]) or die "open: $!";
        local $/; my $d = <$f>; my $o = 24; my (%dir, $bad, $n);
        while ($o + 16 <= length $d) {
            my ($s, $us, $incl, $orig) = unpack("V4", substr($d, $o, 16));
            my $h = substr($d, $o + 16, 16);
            last if length($h) < 16 || $o + 16 + $incl > length $d;
            my ($dirv) = unpack("n", substr($h, 0, 2));
            my ($proto) = unpack("n", substr($h, 14, 2));
            $n++; $dir{$dirv}++;
            $bad++ if $proto != 0x17 || ($dirv != 0 && $dirv != 4) || $incl < 17 || $incl != $orig;
            $o += 16 + $incl;
        }
        printf "records %d, received %d, sent %d, bad %d, trailing bytes %d\n",
            $n, $dir{0} // 0, $dir{4} // 0, $bad // 0, length($d) - $o;' "$pcap")
    t_say "$out"
    [[ $out =~ bad\ 0,\ trailing\ bytes\ 0$ ]] && [[ ! $out =~ received\ 0, ]] && [[ ! $out =~ sent\ 0, ]]
}

decode_all() {
    local err
    tshark -r "$pcap" -V >"$decode" 2>"$work/tshark.err"
    tshark -r "$pcap" >"$summary" 2>>"$work/tshark.err"
    tshark -r "$pcap" -T fields -E occurrence=f -e frame.number -e irlap -e irlmp -e iap -e ttp \
        -e ircomm -e _ws.malformed -e _ws.expert.severity -e _ws.expert.message \
        >"$fields" 2>>"$work/tshark.err"
    err=$(grep -v "^Running as user" "$work/tshark.err")
    if [ -n "$err" ]; then
        t_say "tshark complained:"; echo "$err" | head -5
        return 1
    fi
    t_say "$(wc -l <"$fields") frames"
    [ -s "$fields" ]
}

every_frame_irlap() {
    local bad
    bad=$(awk -F'\t' '$2 == "" { print $1 }' "$fields" | head -20)
    [ -z "$bad" ] || { t_say "frames not decoded as IrLAP: $bad"; return 1; }
}

no_malformed_or_expert_error() {
    local bad
    # _ws.expert.severity: 0x00800000 (8388608) is "error"
    bad=$(awk -F'\t' '$7 != "" || $8 ~ /(^|,)(8388608|0x0*800000)(,|$)/ { print $1 ": " $9 }' "$fields" | head -20)
    if [ -n "$bad" ]; then
        t_say "malformed or expert-error frames:"; echo "$bad"
        return 1
    fi
    if grep -nE 'Malformed Packet|Expert Info \(Error' "$decode" | head -5 | grep .; then
        return 1
    fi
}

protocols_present() {
    local p n rc=0
    for p in irlap:2 irlmp:3 iap:4 ttp:5 ircomm:6; do
        n=$(awk -F'\t' -v c="${p#*:}" '$c != "" { n++ } END { print n + 0 }' "$fields")
        t_say "${p%%:*}: $n frames"
        case ${p%%:*} in ircomm) ;; *) [ "$n" -gt 0 ] || rc=1 ;; esac
    done
    return $rc
}

scenario_frames() {
    local want rc=0 nick_p nick_c
    nick_p=$(sed -n 's/^capture-run: station "\([^"]*\)".*/\1/p' "$run_log")
    nick_c=$(sed -n 's/^capture-run: discovered "\([^"]*\)".*/\1/p' "$run_log")
    for want in "func=XID.*\"$nick_p\"" "func=XID.*\"$nick_c\"" 'func=SNRM' 'func=UA' \
                'Connect Command' 'Connect Confirm' 'GetValueByClass: "IrDA:IrCOMM" "IrDA:TinyTP:LsapSel"' \
                'Result: Success, Integer' 'Result: Class/Object Unknown' 'Disconnect' 'func=DISC' \
                'IrCOMM'; do
        if grep -qE -- "$want" "$summary"; then
            t_say "seen: $want"
        else
            t_say "MISSING: $want"; rc=1
        fi
    done
    # I-frames both ways: IrLAP I frames with data
    local iframes
    iframes=$(grep -cE 'IrLMP|TTP|IrCOMM|IAP' "$summary")
    t_say "$iframes frames above IrLAP"
    [ "$iframes" -gt 20 ] || rc=1
    return $rc
}

t_run irda_capture_run capture_run
t_run irda_capture_pcap_linktype_144 pcap_header
if [ -s "$pcap" ]; then
    t_run irda_capture_pseudo_headers pseudo_headers
    t_run irda_capture_tshark_reads_all decode_all
    t_run irda_capture_every_frame_irlap every_frame_irlap
    t_run irda_capture_no_malformed_no_expert_error no_malformed_or_expert_error
    t_run irda_capture_irlap_irlmp_iap_ttp protocols_present
    t_run irda_capture_scenario_complete scenario_frames
fi
t_done
