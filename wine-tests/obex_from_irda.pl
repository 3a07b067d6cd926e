#!/usr/bin/perl
# wine-tests/obex_from_irda.pl IRDA_PCAP LSAP OUT_PCAP OUT_BODY
#
# tshark's IrDA dissector hands TinyTP data to IrCOMM and IrLPT only, so an
# OBEX session in an IrDA capture (LINKTYPE_LINUX_IRDA, 144) shows as bare
# TinyTP.  This takes the OBEX stream out of it and writes it as Wireshark
# "exported PDUs" (LINKTYPE_WIRESHARK_UPPER_PDU, 252: tag 12 the dissector
# "obex", tag 35 the direction), one record per OBEX packet, which tshark
# then decodes with its OBEX dissector.
#
#   the connection: IrLMP data PDUs with DLSAP == LSAP (the receiver's OBEX
#   LSAP) sent by this station, and with SLSAP == LSAP received by it;
#   each IrLAP I-frame counted once (Ns in sequence: a retransmission is a
#   copy); TinyTP's header byte dropped, credit-only PDUs skipped; the
#   stream cut into OBEX packets by their 2-byte length.
#
# Prints the packets ("> 02 len 1024" ...), "negotiated N" (the receiver's
# maximum packet length from its Connect answer), "puts: K within N, full
# but the last 2" when every Put is within N and all but the last two are
# exactly N, and writes the Body/End-of-Body bytes to OUT_BODY.  perl-base
# is on every Debian.  Exit 0, 1 when there is no OBEX packet.
use strict;
use warnings;

my ($in, $lsap, $out, $body_out) = @ARGV;
die "usage: $0 IRDA_PCAP LSAP OUT_PCAP OUT_BODY\n" unless defined $body_out;
open(my $f, '<:raw', $in) or die "$in: $!\n";
local $/;
my $d = <$f>;
close $f;
die "$in: not a LINKTYPE_LINUX_IRDA pcap\n" unless length($d) >= 24 && unpack('V', substr($d, 20, 4)) == 144;

my %stream = (sent => '', rcvd => '');
my %ns_next = (sent => undef, rcvd => undef);
my $o = 24;
while ($o + 16 <= length $d) {
    my $incl = unpack('V', substr($d, $o + 8, 4));
    last if $o + 16 + $incl > length $d;
    my $rec = substr($d, $o + 16, $incl);
    $o += 16 + $incl;
    next if length($rec) < 16 + 2 + 3;
    my $dir = unpack('n', substr($rec, 0, 2)) == 4 ? 'sent' : 'rcvd';
    my ($addr, $ctl) = unpack('CC', substr($rec, 16, 2));
    next if $ctl & 1;                         # not an I-frame
    my $ns = ($ctl >> 1) & 7;
    next if defined $ns_next{$dir} && $ns != $ns_next{$dir};   # a copy
    $ns_next{$dir} = ($ns + 1) % 8;
    my $lm = substr($rec, 18);
    my ($b0, $b1) = unpack('CC', substr($lm, 0, 2));
    next if $b0 & 0x80;                        # IrLMP control PDU
    my ($dlsap, $slsap) = ($b0 & 0x7F, $b1 & 0x7F);
    next unless ($dir eq 'sent' && $dlsap == $lsap) || ($dir eq 'rcvd' && $slsap == $lsap);
    next if length($lm) <= 3;                  # TinyTP header only: credit
    $stream{$dir} .= substr($lm, 3);
}

sub packets {
    my ($s) = @_;
    my @p;
    while (length($s) >= 3) {
        my $len = unpack('n', substr($s, 1, 2));
        last if $len < 3 || $len > length $s;
        push @p, substr($s, 0, $len);
        $s = substr($s, $len);
    }
    return @p;
}
my @req = packets($stream{sent});
my @rsp = packets($stream{rcvd});
exit 1 unless @req;

sub tag { my ($t, $v) = @_; my $pad = (4 - length($v) % 4) % 4; return pack('nn', $t, length $v) . $v . ("\0" x $pad); }
open(my $w, '>:raw', $out) or die "$out: $!\n";
print $w pack('VvvlVVV', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 252);
my ($negotiated, $body, @puts) = (undef, '');
for my $i (0 .. $#req) {
    for my $pair ([$req[$i], 0, '>'], (defined $rsp[$i] ? ([$rsp[$i], 1, '<']) : ())) {
        my ($p, $dirv, $arrow) = @$pair;
        my $rec = tag(12, 'obex') . tag(35, pack('N', $dirv)) . tag(0, '') . $p;
        print $w pack('VVVV', $i, 0, length $rec, length $rec), $rec;
        printf "%s %02X len %d\n", $arrow, ord($p), length $p;
    }
    my $op = ord($req[$i]);
    if ($op == 0x80 && defined $rsp[$i] && length($rsp[$i]) >= 7) {
        $negotiated = unpack('n', substr($rsp[$i], 5, 2));
    }
    if ($op == 0x02 || $op == 0x82) {
        push @puts, length $req[$i];
        my $h = 3;                             # headers: Body 48, End of Body 49
        my $p = $req[$i];
        while ($h < length $p) {
            my $hi = ord(substr($p, $h, 1));
            my $kind = $hi >> 6;
            if ($kind <= 1) {
                my $n = unpack('n', substr($p, $h + 1, 2));
                $body .= substr($p, $h + 3, $n - 3) if $hi == 0x48 || $hi == 0x49;
                $h += $n;
            } else {
                $h += $kind == 2 ? 2 : 5;
            }
        }
    }
}
close $w;
open(my $b, '>:raw', $body_out) or die "$body_out: $!\n";
print $b $body;
close $b;
if (defined $negotiated) {
    print "negotiated $negotiated\n";
    my $within = !grep { $_ > $negotiated } @puts;
    my @early = @puts > 2 ? @puts[0 .. $#puts - 2] : ();
    my $full = !grep { $_ != $negotiated } @early;
    printf "puts: %d within %d%s\n", scalar @puts, $negotiated, $within && $full ? ", full but the last 2" : " (NOT all full)"
        if $within;
    printf "puts: %d, some beyond %d\n", scalar @puts, $negotiated unless $within;
}
printf "body: %d bytes\n", length $body;
exit 0;
