/*
 * test_irlap_frame.c - IrLAP 1.1 frame codec against frames written out byte
 * by byte: address/control formats (IrLAP 1.1 section 5.2, 6.2-6.4),
 * XID discovery (6.3.2 / 6.4.2 and the discovery procedure of 6.11),
 * SNRM/UA parameter lists (6.3.5, 6.4.1) and negotiation (6.6).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "irlap_frame.h"

static void test_control_fields(void **s)
{
    (void)s;
    struct irlap_frame f;
    /* I command, caddr 0x12, Ns=3, Nr=5, P set: 25 B6 (IrLAP 5.2.2.1) */
    const uint8_t i_fr[] = { 0x25, 0xB6, 'h', 'i' };
    assert_int_equal(irlap_frame_decode(i_fr, sizeof i_fr, &f), 0);
    assert_int_equal(f.kind, IRLAP_K_I);
    assert_int_equal(f.caddr, 0x12);
    assert_true(f.cmd);
    assert_true(f.pf);
    assert_int_equal(f.ns, 3);
    assert_int_equal(f.nr, 5);
    assert_int_equal(f.info_len, 2);
    uint8_t out[16];
    assert_int_equal(irlap_frame_encode(out, sizeof out, 0x12, true, IRLAP_K_I, true, 3, 5,
                                        (const uint8_t *)"hi", 2), 4);
    assert_memory_equal(out, i_fr, 4);

    /* S frames (5.2.2.2): RR 0x01, RNR 0x05, REJ 0x09, SREJ 0x0D, Nr in bits 5-7 */
    const struct { uint8_t c; enum irlap_kind k; uint8_t nr; bool pf; } sf[] = {
        { 0x51, IRLAP_K_RR, 2, true }, { 0xE5, IRLAP_K_RNR, 7, false },
        { 0x89, IRLAP_K_REJ, 4, false }, { 0x1D, IRLAP_K_SREJ, 0, true },
    };
    for (size_t i = 0; i < 4; i++) {
        const uint8_t b[] = { 0x24, sf[i].c };
        assert_int_equal(irlap_frame_decode(b, 2, &f), 0);
        assert_int_equal(f.kind, sf[i].k);
        assert_int_equal(f.nr, sf[i].nr);
        assert_int_equal(f.pf, sf[i].pf);
        assert_false(f.cmd);
        assert_int_equal(irlap_frame_encode(out, sizeof out, 0x12, false, sf[i].k, sf[i].pf, 0, sf[i].nr, NULL, 0), 2);
        assert_memory_equal(out, b, 2);
    }

    /* U frames (5.2.2.3) with P/F: SNRM 93, DISC 53, UA 73, DM 1F, RD 53 (rsp), XID 3F/BF, FRMR 97 */
    const struct { uint8_t a, c; enum irlap_kind k; } uf[] = {
        { 0xFF, 0x93, IRLAP_K_SNRM }, { 0x25, 0x53, IRLAP_K_DISC }, { 0x24, 0x73, IRLAP_K_UA },
        { 0x24, 0x1F, IRLAP_K_DM },   { 0x24, 0x53, IRLAP_K_RD },   { 0x24, 0x93, IRLAP_K_RNRM },
        { 0xFF, 0x13, IRLAP_K_UI },   { 0x25, 0xF3, IRLAP_K_TEST },
    };
    for (size_t i = 0; i < sizeof uf / sizeof uf[0]; i++) {
        const uint8_t b[] = { uf[i].a, uf[i].c };
        assert_int_equal(irlap_frame_decode(b, 2, &f), 0);
        assert_int_equal(f.kind, uf[i].k);
        assert_true(f.pf);
    }
}

static void test_strict_decoder(void **s)
{
    (void)s;
    struct irlap_frame f;
    const uint8_t rr_info[] = { 0x24, 0x11, 0x00 };       /* S frame with information */
    assert_int_equal(irlap_frame_decode(rr_info, 3, &f), IRDA_ERR_FORMAT);
    const uint8_t ua_cmd[] = { 0x25, 0x73 };               /* UA is response-only */
    assert_int_equal(irlap_frame_decode(ua_cmd, 2, &f), IRDA_ERR_FORMAT);
    const uint8_t xid_rsp_as_cmd[] = { 0xFF, 0xBF, 1,2,3,4,5,6,7,8,9,10,11,12 };
    assert_int_equal(irlap_frame_decode(xid_rsp_as_cmd, sizeof xid_rsp_as_cmd, &f), IRDA_ERR_FORMAT);
    const uint8_t unknown_u[] = { 0x25, 0xFF };
    assert_int_equal(irlap_frame_decode(unknown_u, 2, &f), IRDA_ERR_FORMAT);
    const uint8_t one[] = { 0x25 };
    assert_int_equal(irlap_frame_decode(one, 1, &f), IRDA_ERR_SHORT);
    const uint8_t frmr_short[] = { 0x24, 0x97, 0x00 };
    assert_int_equal(irlap_frame_decode(frmr_short, 3, &f), IRDA_ERR_FORMAT);
    const uint8_t disc_info[] = { 0x25, 0x53, 0x00 };
    assert_int_equal(irlap_frame_decode(disc_info, 3, &f), IRDA_ERR_FORMAT);
    const uint8_t xid_short[] = { 0xFF, 0x3F, 0x01, 0x00 };
    assert_int_equal(irlap_frame_decode(xid_short, sizeof xid_short, &f), IRDA_ERR_SHORT);
}

/* IrLAP 6.3.2: the discovery XID command of slot 0 of a 6-slot discovery
 * from device 0x12345678: address FF (broadcast, C/R=1), control 3F (XID, P),
 * FI 01, source address LSB first, destination FFFFFFFF, flags 01 (6 slots),
 * slot 00, version 00. */
static void test_xid_discovery_command(void **s)
{
    (void)s;
    const uint8_t fr[] = { 0xFF, 0x3F, 0x01, 0x78, 0x56, 0x34, 0x12, 0xFF, 0xFF, 0xFF, 0xFF,
                           0x01, 0x00, 0x00 };
    struct irlap_frame f;
    struct irlap_xid x;
    assert_int_equal(irlap_frame_decode(fr, sizeof fr, &f), 0);
    assert_int_equal(f.kind, IRLAP_K_XID_CMD);
    assert_int_equal(f.caddr, IRLAP_CADDR_BCAST);
    assert_int_equal(irlap_xid_decode(f.info, f.info_len, true, &x), 0);
    assert_int_equal(x.saddr, 0x12345678);
    assert_int_equal(x.daddr, IRDA_BROADCAST_DADDR);
    assert_int_equal(x.nslots, 6);
    assert_int_equal(x.slot, 0);
    assert_int_equal(x.info_len, 0);
    uint8_t info[64], out[64];
    int n = irlap_xid_encode(info, sizeof info, &x);
    assert_int_equal(n, 12);
    n = irlap_frame_encode(out, sizeof out, IRLAP_CADDR_BCAST, true, IRLAP_K_XID_CMD, true, 0, 0, info, (size_t)n);
    assert_int_equal(n, sizeof fr);
    assert_memory_equal(out, fr, sizeof fr);
    /* slot 6 of 6 slots is out of range; 0xFF (final) is fine */
    uint8_t bad[12];
    memcpy(bad, fr + 2, 12);
    bad[10] = 6;
    assert_int_equal(irlap_xid_decode(bad, 12, true, &x), IRDA_ERR_RANGE);
    bad[10] = 0xFF;
    assert_int_equal(irlap_xid_decode(bad, 12, true, &x), 0);
    bad[0] = 0x02;                                       /* format identifier */
    assert_int_equal(irlap_xid_decode(bad, 12, true, &x), IRDA_ERR_FORMAT);
}

/* IrLAP 6.4.2 + IrLMP 3.4.2: XID response in slot 3 from device 0xA1B2C3D4
 * carrying hints 84 20 (computer + extension, OBEX), charset 00 and "Beam". */
static void test_xid_response_with_info(void **s)
{
    (void)s;
    const uint8_t fr[] = { 0xFE, 0xBF, 0x01, 0xD4, 0xC3, 0xB2, 0xA1, 0x78, 0x56, 0x34, 0x12,
                           0x02, 0x03, 0x00, 0x84, 0x20, 0x00, 'B', 'e', 'a', 'm' };
    struct irlap_frame f;
    struct irlap_xid x;
    struct irda_device_info d = {0};
    assert_int_equal(irlap_frame_decode(fr, sizeof fr, &f), 0);
    assert_int_equal(f.kind, IRLAP_K_XID_RSP);
    assert_int_equal(irlap_xid_decode(f.info, f.info_len, false, &x), 0);
    assert_int_equal(x.saddr, 0xA1B2C3D4);
    assert_int_equal(x.nslots, 8);
    assert_int_equal(x.slot, 3);
    assert_int_equal(irda_devinfo_decode(x.info, x.info_len, &d), 0);
    assert_int_equal(d.nhints, 2);
    assert_int_equal(d.hints[0], 0x84);
    assert_int_equal(d.hints[1], 0x20);
    assert_int_equal(d.charset, 0);
    assert_string_equal(d.nick, "Beam");
    uint8_t out[40];
    assert_int_equal(irda_devinfo_encode(&d, out, sizeof out), 7);
    assert_memory_equal(out, fr + 14, 7);
    /* an extension bit on the last byte promises a byte that is not there */
    const uint8_t trunc[] = { 0x84 };
    assert_int_equal(irda_devinfo_decode(trunc, 1, &d), IRDA_ERR_SHORT);
    /* a response cannot carry the final slot number */
    uint8_t bad[sizeof fr - 2];
    memcpy(bad, fr + 2, sizeof bad);
    bad[10] = 0xFF;
    assert_int_equal(irlap_xid_decode(bad, sizeof bad, false, &x), IRDA_ERR_FORMAT);
}

/* IrLAP 6.3.5 / 6.6: SNRM from 0x11223344 to 0x55667788 assigning connection
 * address 0x2A, offering 9600..115200 bit/s, 500 ms max turnaround, data
 * sizes up to 2048, window 7, 12 extra BOFs, 1 ms min turnaround, 3..40 s. */
static const uint8_t snrm[] = {
    0xFF, 0x93,
    0x44, 0x33, 0x22, 0x11, 0x88, 0x77, 0x66, 0x55, 0x54,
    0x01, 0x01, 0x3E,      /* baud rate */
    0x82, 0x01, 0x01,      /* max turnaround 500 ms */
    0x83, 0x01, 0x3F,      /* data size 64..2048 */
    0x84, 0x01, 0x7F,      /* window 1..7 */
    0x85, 0x01, 0x04,      /* additional BOFs: 12 */
    0x86, 0x01, 0x04,      /* min turnaround 1 ms */
    0x08, 0x01, 0xFF,      /* link disconnect 3..40 s */
};

static void test_snrm_parameters(void **s)
{
    (void)s;
    struct irlap_frame f;
    struct irlap_snrm sn;
    assert_int_equal(irlap_frame_decode(snrm, sizeof snrm, &f), 0);
    assert_int_equal(f.kind, IRLAP_K_SNRM);
    assert_int_equal(irlap_snrm_decode(f.info, f.info_len, &sn), 0);
    assert_int_equal(sn.saddr, 0x11223344);
    assert_int_equal(sn.daddr, 0x55667788);
    assert_int_equal(sn.ncaddr, 0x2A);
    assert_int_equal(sn.qos.baud, 0x3E);
    assert_int_equal(sn.qos.data_size, 0x3F);
    assert_int_equal(sn.qos.window, 0x7F);
    assert_int_equal(sn.qos.link_disc, 0xFF);
    uint8_t info[64], out[80];
    int n = irlap_snrm_encode(info, sizeof info, sn.saddr, sn.daddr, sn.ncaddr, &sn.qos);
    n = irlap_frame_encode(out, sizeof out, IRLAP_CADDR_BCAST, true, IRLAP_K_SNRM, true, 0, 0, info, (size_t)n);
    assert_int_equal(n, sizeof snrm);
    assert_memory_equal(out, snrm, sizeof snrm);

    /* a peer offering 9600/19200, 64..256 bytes, window 1..3, link disconnect 3..12 s */
    const uint8_t ua_info[] = { 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,
                                0x01, 0x01, 0x06, 0x83, 0x01, 0x07, 0x84, 0x01, 0x07,
                                0x08, 0x01, 0x07, 0x85, 0x01, 0x80, 0x86, 0x01, 0x08 };
    struct irlap_ua ua;
    assert_int_equal(irlap_ua_decode(ua_info, sizeof ua_info, &ua), 0);
    assert_int_equal(ua.saddr, 0x55667788);
    struct irlap_negotiated ng;
    assert_int_equal(irlap_qos_negotiate(&sn.qos, &ua.qos, &ng), 0);
    assert_int_equal(ng.baud, 19200);            /* highest common rate */
    assert_int_equal(ng.link_disc_ms, 12000);    /* highest common disconnect time */
    assert_int_equal(ng.tx_data_size, 256);      /* the peer's own */
    assert_int_equal(ng.tx_window, 3);
    assert_int_equal(ng.tx_xbofs, 0);
    assert_int_equal(ng.tx_min_turn_us, 500);
    assert_int_equal(ng.peer_max_turn_ms, 500);  /* left out: default */
    assert_int_equal(ng.rx_data_size, 2048);
    assert_int_equal(ng.rx_window, 7);
    /* and the other way round */
    assert_int_equal(irlap_qos_negotiate(&ua.qos, &sn.qos, &ng), 0);
    assert_int_equal(ng.baud, 19200);
    assert_int_equal(ng.tx_data_size, 2048);
    assert_int_equal(ng.tx_xbofs, 2);            /* 12 at 115200 -> 2 at 19200 */
}

static void test_parameter_errors(void **s)
{
    (void)s;
    struct irlap_qos q, r;
    const uint8_t dup[] = { 0x84, 0x01, 0x01, 0x84, 0x01, 0x01 };
    assert_int_equal(irlap_qos_decode(dup, sizeof dup, &q), IRDA_ERR_FORMAT);
    const uint8_t zero[] = { 0x83, 0x01, 0x00 };
    assert_int_equal(irlap_qos_decode(zero, sizeof zero, &q), IRDA_ERR_FORMAT);
    const uint8_t trunc[] = { 0x01, 0x02, 0x3E };
    assert_int_equal(irlap_qos_decode(trunc, sizeof trunc, &q), IRDA_ERR_SHORT);
    const uint8_t widebaud[] = { 0x01, 0x02, 0x3E, 0x01 };   /* 16-bit baud mask incl. 4 Mbit/s */
    assert_int_equal(irlap_qos_decode(widebaud, sizeof widebaud, &q), 0);
    assert_int_equal(q.baud, 0x013E);
    const uint8_t unknown[] = { 0x99, 0x02, 0xAA, 0xBB, 0x84, 0x01, 0x03 };
    assert_int_equal(irlap_qos_decode(unknown, sizeof unknown, &q), 0);
    assert_int_equal(q.window, 0x03);
    /* no common link-disconnect time */
    irlap_qos_default(&q);
    irlap_qos_default(&r);
    q.link_disc = 0x01;
    r.link_disc = 0x02;
    struct irlap_negotiated ng;
    assert_int_equal(irlap_qos_negotiate(&q, &r, &ng), IRDA_ERR_NEGOTIATE);
    /* SNRM assigning the broadcast connection address */
    uint8_t bad[sizeof snrm - 2];
    memcpy(bad, snrm + 2, sizeof bad);
    bad[8] = 0xFE;
    struct irlap_snrm sn;
    assert_int_equal(irlap_snrm_decode(bad, sizeof bad, &sn), IRDA_ERR_RANGE);
    assert_int_equal(irlap_snrm_decode(bad, 5, &sn), IRDA_ERR_SHORT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_control_fields),
        cmocka_unit_test(test_strict_decoder),
        cmocka_unit_test(test_xid_discovery_command),
        cmocka_unit_test(test_xid_response_with_info),
        cmocka_unit_test(test_snrm_parameters),
        cmocka_unit_test(test_parameter_errors),
    };
    return cmocka_run_group_tests_name("irlap_frame", tests, NULL, NULL);
}
