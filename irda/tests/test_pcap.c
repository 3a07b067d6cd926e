/*
 * test_pcap.c - the LINKTYPE_LINUX_IRDA (144) capture writer: pcap global
 * header, record header, and the 16-byte pseudo-header (direction big-endian
 * at offset 0: 0 received, 4 sent; protocol 0x0017 big-endian at offset 14)
 * before the IrLAP frame without FCS.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "pcap.h"

static uint8_t buf[512];
static size_t len;
static int fail_after = -1;

static int wr(void *ctx, const void *b, size_t n)
{
    (void)ctx;
    if (fail_after == 0)
        return -1;
    if (fail_after > 0)
        fail_after--;
    assert_true(len + n <= sizeof buf);
    memcpy(buf + len, b, n);
    len += n;
    return 0;
}

static uint32_t h32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint16_t h16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }

static void test_headers_and_records(void **s)
{
    (void)s;
    struct irda_pcap p;
    len = 0;
    fail_after = -1;
    assert_int_equal(irda_pcap_open(&p, wr, NULL), 0);
    assert_int_equal(len, 24);
    assert_int_equal(h32(buf), 0xA1B2C3D4);
    assert_int_equal(h16(buf + 4), 2);
    assert_int_equal(h16(buf + 6), 4);
    assert_int_equal(h32(buf + 16), IRDA_PCAP_SNAPLEN);
    assert_int_equal(h32(buf + 20), 144);
    /* a sent RR (address 0x24 would be a response; 0x25 command), at t = 12.345678 s */
    const uint8_t rr[] = { 0x25, 0x31 };
    assert_int_equal(irda_pcap_frame(&p, 12345678u, true, rr, 2), 0);
    const uint8_t *r = buf + 24;
    assert_int_equal(h32(r), 12);
    assert_int_equal(h32(r + 4), 345678);
    assert_int_equal(h32(r + 8), 18);
    assert_int_equal(h32(r + 12), 18);
    const uint8_t sent_ph[16] = { 0x00, 0x04, 0,0,0,0,0,0,0,0,0,0,0,0, 0x00, 0x17 };
    assert_memory_equal(r + 16, sent_ph, 16);
    assert_memory_equal(r + 32, rr, 2);
    /* a received frame: direction 0 */
    assert_int_equal(irda_pcap_frame(&p, 0, false, rr, 2), 0);
    const uint8_t rcvd_ph[16] = { 0x00, 0x00, 0,0,0,0,0,0,0,0,0,0,0,0, 0x00, 0x17 };
    assert_memory_equal(buf + 24 + 34 + 16, rcvd_ph, 16);
    assert_int_equal(p.frames, 2);
}

static void test_write_failure_stops(void **s)
{
    (void)s;
    struct irda_pcap p;
    len = 0;
    fail_after = 1;                      /* header ok, then the device is full */
    assert_int_equal(irda_pcap_open(&p, wr, NULL), 0);
    const uint8_t f[] = { 0xFF, 0x3F };
    assert_true(irda_pcap_frame(&p, 0, true, f, 2) < 0);
    assert_true(p.failed);
    fail_after = -1;
    assert_true(irda_pcap_frame(&p, 0, true, f, 2) < 0);
    assert_int_equal(len, 24);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_headers_and_records),
        cmocka_unit_test(test_write_failure_stops),
    };
    return cmocka_run_group_tests_name("pcap", tests, NULL, NULL);
}
