/*
 * test_sir.c - SIR framing (IrPHY 1.3 section 5.x "SIR frame format",
 * IrLAP 1.1 section 10.1 FCS) against bytes written out by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "sir.h"

struct rx { int n; size_t len[8]; uint8_t buf[8][SIR_MAX_FRAME]; };
static void on_frame(void *ctx, const uint8_t *f, size_t len)
{
    struct rx *r = ctx;
    if (r->n < 8) { memcpy(r->buf[r->n], f, len); r->len[r->n] = len; }
    r->n++;
}

/* The CRC-16/X.25 check value of "123456789" is 0x906E (the FCS-16 of RFC 1662 and IrLAP). */
static void test_fcs_check_value(void **s)
{
    (void)s;
    assert_int_equal(sir_fcs((const uint8_t *)"123456789", 9), 0x906E);
    /* Appending the FCS LSB first leaves the good residue 0xF0B8. */
    uint8_t b[11] = "123456789";
    b[9] = 0x6E; b[10] = 0x90;
    assert_int_equal(sir_fcs_update(SIR_FCS_INIT, b, 11), SIR_FCS_GOOD);
}

/* An IrLAP RR response, address 0x24 (caddr 0x12, response), control 0x11
 * (RR, F, Nr=0): FCS written out by hand from the polynomial. */
static void test_encode_simple_frame(void **s)
{
    (void)s;
    const uint8_t f[] = { 0x24, 0x11 };
    uint16_t fcs = sir_fcs(f, 2);
    uint8_t out[32];
    int n = sir_encode(f, 2, 0, out, sizeof out);
    assert_int_equal(n, 6);
    assert_int_equal(out[0], 0xC0);
    assert_int_equal(out[1], 0x24);
    assert_int_equal(out[2], 0x11);
    assert_int_equal(out[3], fcs & 0xFF);
    assert_int_equal(out[4], fcs >> 8);
    assert_int_equal(out[5], 0xC1);
    /* FCS of 24 11 worked out by hand from the polynomial: 0x4A1C, sent 1C 4A. */
    assert_int_equal(fcs, 0x4A1C);
}

/* IrPHY 5.x: 0xC0, 0xC1 and 0x7D inside a frame are sent as 7D E0, 7D E1, 7D 5D. */
static void test_escaping(void **s)
{
    (void)s;
    const uint8_t f[] = { 0xC0, 0xC1, 0x7D, 0x20 };
    uint8_t out[64];
    int n = sir_encode(f, sizeof f, 3, out, sizeof out);
    assert_true(n > 0);
    const uint8_t head[] = { 0xC0, 0xC0, 0xC0, /* 3 extra BOFs */ 0xC0,
                             0x7D, 0xE0, 0x7D, 0xE1, 0x7D, 0x5D, 0x20 };
    assert_memory_equal(out, head, sizeof head);
    assert_int_equal(out[n - 1], 0xC1);
    /* nothing between BOF and EOF is a raw special byte */
    for (int i = 4; i < n - 1; i++)
        assert_true(out[i] != 0xC0 && out[i] != 0xC1);
}

static void test_roundtrip_chunked(void **s)
{
    (void)s;
    uint8_t f[300];
    for (size_t i = 0; i < sizeof f; i++) f[i] = (uint8_t)(i * 37 + 0xC0);
    uint8_t out[1024];
    int n = sir_encode(f, sizeof f, 2, out, sizeof out);
    assert_true(n > 0);
    struct rx r = {0};
    struct sir_upper up = { &r, on_frame };
    struct sir_deframer d;
    sir_deframer_init(&d, &up);
    for (int i = 0; i < n; i++)         /* one byte at a time */
        sir_deframer_feed(&d, out + i, 1);
    sir_deframer_feed(&d, out, (size_t)n); /* all at once */
    assert_int_equal(r.n, 2);
    assert_int_equal(r.len[0], sizeof f);
    assert_memory_equal(r.buf[0], f, sizeof f);
    assert_memory_equal(r.buf[1], f, sizeof f);
    assert_int_equal(d.stats.frames, 2);
    assert_int_equal(d.stats.fcs_errors, 0);
}

static void test_errors_counted(void **s)
{
    (void)s;
    struct rx r = {0};
    struct sir_upper up = { &r, on_frame };
    struct sir_deframer d;
    sir_deframer_init(&d, &up);
    /* bad FCS */
    const uint8_t bad[] = { 0xC0, 0x24, 0x11, 0x00, 0x00, 0xC1 };
    sir_deframer_feed(&d, bad, sizeof bad);
    assert_int_equal(d.stats.fcs_errors, 1);
    /* abort: CE followed by EOF, then a BOF inside a frame */
    const uint8_t ab[] = { 0xC0, 0x24, 0x7D, 0xC1, 0xC0, 0x24, 0x11, 0xC0 };
    sir_deframer_feed(&d, ab, sizeof ab);
    assert_int_equal(d.stats.aborts, 2);
    /* runt */
    const uint8_t runt[] = { 0xC0, 0x24, 0x11, 0xC1 };
    sir_deframer_feed(&d, runt, sizeof runt);
    assert_int_equal(d.stats.runts, 1);
    /* oversize: BOF then too many bytes, then a good frame is still found */
    uint8_t big[SIR_MAX_RAW + 10];
    memset(big, 0x55, sizeof big);
    big[0] = 0xC0;
    sir_deframer_feed(&d, big, sizeof big);
    uint8_t eof = 0xC1;
    sir_deframer_feed(&d, &eof, 1);
    assert_int_equal(d.stats.oversize, 1);
    const uint8_t f[] = { 0x24, 0x11 };
    uint8_t out[16];
    int n = sir_encode(f, 2, 0, out, sizeof out);
    sir_deframer_feed(&d, out, (size_t)n);
    assert_int_equal(r.n, 1);
    assert_int_equal(d.stats.frames, 1);
}

static void test_encode_limits(void **s)
{
    (void)s;
    uint8_t f[4] = {0}, out[8];
    assert_int_equal(sir_encode(f, 4, 0, out, sizeof out), IRDA_ERR_NOSPACE);
    assert_int_equal(sir_encode(f, 4, SIR_MAX_XBOFS + 1, out, sizeof out), IRDA_ERR_RANGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fcs_check_value),
        cmocka_unit_test(test_encode_simple_frame),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_roundtrip_chunked),
        cmocka_unit_test(test_errors_counted),
        cmocka_unit_test(test_encode_limits),
    };
    return cmocka_run_group_tests_name("sir", tests, NULL, NULL);
}
