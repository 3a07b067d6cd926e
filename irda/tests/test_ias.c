/*
 * test_ias.c - IAS / IAP (IrLMP 1.1 section 4): the GetValueByClass request
 * and response formats (4.x, opcode 0x04 with the Lst bit: 0x84), value
 * encodings (integer, octet sequence, user string), return codes, the
 * "Device" class with DeviceName and IrLMPSupport, and a query between two
 * stations over LSAP 0x00, including IAP segmentation (Lst/Ack).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "pair.h"
#include "ias.h"

static struct ias_db DB;

static void test_request_format(void **s)
{
    (void)s;
    const uint8_t req[] = { 0x84, 0x06, 'D', 'e', 'v', 'i', 'c', 'e',
                            0x0A, 'D', 'e', 'v', 'i', 'c', 'e', 'N', 'a', 'm', 'e' };
    uint8_t out[64];
    assert_int_equal(ias_gvbc_request_encode(out, sizeof out, "Device", "DeviceName"), sizeof req);
    assert_memory_equal(out, req, sizeof req);
    char cls[IAS_MAX_NAME + 1], attr[IAS_MAX_NAME + 1];
    assert_int_equal(ias_gvbc_request_decode(req, sizeof req, cls, attr), 0);
    assert_string_equal(cls, "Device");
    assert_string_equal(attr, "DeviceName");
    assert_int_equal(ias_gvbc_request_decode(req, sizeof req - 1, cls, attr), IRDA_ERR_SHORT);
    uint8_t extra[sizeof req + 1];
    memcpy(extra, req, sizeof req);
    extra[sizeof req] = 0;
    assert_int_equal(ias_gvbc_request_decode(extra, sizeof extra, cls, attr), IRDA_ERR_FORMAT);
    const uint8_t toolong[] = { 0x84, 61 };
    assert_int_equal(ias_gvbc_request_decode(toolong, 2, cls, attr), IRDA_ERR_RANGE);
}

static void test_server_answers(void **s)
{
    (void)s;
    ias_db_init(&DB, "beta", 4, 0x00);
    uint8_t req[64], rsp[256];
    int n = ias_gvbc_request_encode(req, sizeof req, "Device", "DeviceName");
    int m = ias_server_answer(&DB, req, (size_t)n, rsp, sizeof rsp);
    /* 84 | 00 success | 0001 one entry | 0000 object 0 | 03 string, charset 00, length 4 */
    const uint8_t want[] = { 0x84, 0x00, 0x00, 0x01, 0x00, 0x00, 0x03, 0x00, 0x04, 'b', 'e', 't', 'a' };
    assert_int_equal(m, sizeof want);
    assert_memory_equal(rsp, want, sizeof want);
    struct ias_result r;
    assert_int_equal(ias_gvbc_response_decode(rsp + 1, (size_t)m - 1, &r), 0);
    assert_int_equal(r.rc, IAS_SUCCESS);
    assert_int_equal(r.count, 1);
    assert_int_equal(r.values[0].type, IAS_STRING);
    assert_int_equal(r.values[0].len, 4);

    n = ias_gvbc_request_encode(req, sizeof req, "Device", "IrLMPSupport");
    m = ias_server_answer(&DB, req, (size_t)n, rsp, sizeof rsp);
    const uint8_t lmps[] = { 0x84, 0x00, 0x00, 0x01, 0x00, 0x00, 0x02, 0x00, 0x03, 0x01, 0x00, 0x00 };
    assert_int_equal(m, sizeof lmps);
    assert_memory_equal(rsp, lmps, sizeof lmps);

    /* an integer: IrDA:TinyTP:LsapSel of a registered service */
    struct ias_value v = { .type = IAS_INTEGER, .integer = 0x05 };
    assert_int_equal(ias_db_set(&DB, "OBEX", "IrDA:TinyTP:LsapSel", &v), 1);
    n = ias_gvbc_request_encode(req, sizeof req, "OBEX", "IrDA:TinyTP:LsapSel");
    m = ias_server_answer(&DB, req, (size_t)n, rsp, sizeof rsp);
    const uint8_t lsap[] = { 0x84, 0x00, 0x00, 0x01, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 0x05 };
    assert_int_equal(m, sizeof lsap);
    assert_memory_equal(rsp, lsap, sizeof lsap);

    /* no such class (1) and no such attribute (2) */
    n = ias_gvbc_request_encode(req, sizeof req, "IrLPT", "IrDA:IrLMP:LsapSel");
    m = ias_server_answer(&DB, req, (size_t)n, rsp, sizeof rsp);
    assert_int_equal(m, 2);
    assert_int_equal(rsp[0], 0x84);
    assert_int_equal(rsp[1], IAS_NO_SUCH_CLASS);
    n = ias_gvbc_request_encode(req, sizeof req, "Device", "Colour");
    m = ias_server_answer(&DB, req, (size_t)n, rsp, sizeof rsp);
    assert_int_equal(m, 2);
    assert_int_equal(rsp[1], IAS_NO_SUCH_ATTRIBUTE);
    /* another operation (GetInfoBaseDetails, 0x01): unsupported */
    const uint8_t gib[] = { 0x81 };
    m = ias_server_answer(&DB, gib, 1, rsp, sizeof rsp);
    assert_int_equal(m, 2);
    assert_int_equal(rsp[0], 0x81);
    assert_int_equal(rsp[1], 0xFF);
    /* removal */
    assert_int_equal(ias_db_remove(&DB, "OBEX", NULL), 0);
    assert_null(ias_db_find(&DB, "OBEX"));
}

static void test_response_decoder_strict(void **s)
{
    (void)s;
    struct ias_result r;
    const uint8_t trunc[] = { 0x00, 0x00, 0x01, 0x00, 0x00, 0x03, 0x00, 0x09, 'x' };
    assert_int_equal(ias_gvbc_response_decode(trunc, sizeof trunc, &r), IRDA_ERR_SHORT);
    const uint8_t badtype[] = { 0x00, 0x00, 0x01, 0x00, 0x00, 0x04 };
    assert_int_equal(ias_gvbc_response_decode(badtype, sizeof badtype, &r), IRDA_ERR_FORMAT);
    const uint8_t longoct[] = { 0x00, 0x00, 0x01, 0x00, 0x00, 0x02, 0x04, 0x01 };
    assert_int_equal(ias_gvbc_response_decode(longoct, sizeof longoct, &r), IRDA_ERR_RANGE);
    const uint8_t trailing[] = { 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0xAA };
    assert_int_equal(ias_gvbc_response_decode(trailing, sizeof trailing, &r), IRDA_ERR_FORMAT);
    const uint8_t missing[] = { 0x00, 0x00, 0x01, 0x00, 0x07, 0x00 };
    assert_int_equal(ias_gvbc_response_decode(missing, sizeof missing, &r), 0);
    assert_int_equal(r.values[0].type, IAS_MISSING);
    assert_int_equal(r.obj_id[0], 7);
    const uint8_t nocls[] = { 0x01 };
    assert_int_equal(ias_gvbc_response_decode(nocls, 1, &r), 0);
    assert_int_equal(r.rc, IAS_NO_SUCH_CLASS);
    assert_int_equal(ias_gvbc_response_decode(nocls, 0, &r), IRDA_ERR_SHORT);
}

/* ---- over the air ---- */
static struct pair P;
static struct ias_db DBA, DBB;
static struct ias_server SA, SB;
static struct ias_client CA, CB;
static int got_status;
static bool got;
static struct ias_result got_r;

static void on_result(void *ctx, int status, const struct ias_result *r)
{
    (void)ctx;
    got = true;
    got_status = status;
    if (r)
        got_r = *r;
}

static int setup(void **s)
{
    (void)s;
    pair_init(&P);
    ias_db_init(&DBA, "alpha", 5, 0);
    ias_db_init(&DBB, "beta", 4, 0);
    assert_int_equal(ias_server_start(&SA, &DBA, &P.st[0].lmp), 0);
    assert_int_equal(ias_server_start(&SB, &DBB, &P.st[1].lmp), 0);
    struct irda_timer_ops ta = { &P.st[0].tm, sim_timer_start, sim_timer_stop };
    struct irda_timer_ops tb = { &P.st[1].tm, sim_timer_start, sim_timer_stop };
    ias_client_init(&CA, &P.st[0].lmp, &ta);
    ias_client_init(&CB, &P.st[1].lmp, &tb);
    got = false;
    return 0;
}

static void test_query_over_air(void **s)
{
    (void)s;
    assert_int_equal(ias_client_query(&CA, 0x22222222, "Device", "DeviceName", on_result, NULL), 0);
    assert_int_equal(ias_client_query(&CA, 0x22222222, "Device", "DeviceName", on_result, NULL), IRDA_ERR_BUSY);
    pair_run(&P, 1000);
    assert_true(got);
    assert_int_equal(got_status, 0);
    assert_int_equal(got_r.rc, IAS_SUCCESS);
    assert_int_equal(got_r.values[0].len, 4);
    assert_memory_equal(got_r.values[0].data, "beta", 4);
    /* the request went to LSAP 0: connect PDU 80 01 01 00, then the IAP request */
    assert_int_equal(P.pdu[0][0], 0x80);
    assert_int_equal(P.pdu[0][2], 0x01);
    const uint8_t req_pdu[] = { 0x00, 0x01, 0x84, 0x06, 'D', 'e', 'v', 'i', 'c', 'e', 0x0A };
    bool found = false;
    for (unsigned i = 0; i < P.npdu; i++)
        if (P.pdu_from[i] == 0 && P.pdu_len[i] == 21 && !memcmp(P.pdu[i], req_pdu, sizeof req_pdu))
            found = true;
    assert_true(found);

    got = false;
    assert_int_equal(ias_client_query(&CA, 0x22222222, "IrDA:IrCOMM", "Parameters", on_result, NULL), 0);
    pair_run(&P, 1000);
    assert_true(got);
    assert_int_equal(got_status, 0);
    assert_int_equal(got_r.rc, IAS_NO_SUCH_CLASS);
}

static void test_segmented_answer(void **s)
{
    (void)s;
    /* A's answer to B must fit B's 256-byte frames: a 1000-byte value is
       sent in segments, each acknowledged by the client (Lst/Ack) */
    struct ias_value v = { .type = IAS_OCTETS, .len = 1000 };
    for (int i = 0; i < 1000; i++) v.data[i] = (uint8_t)(i * 7);
    assert_true(ias_db_set(&DBA, "Big", "Blob", &v) >= 0);
    assert_int_equal(ias_client_query(&CB, 0x11111111, "Big", "Blob", on_result, NULL), 0);
    pair_run(&P, 2000);
    assert_true(got);
    assert_int_equal(got_status, 0);
    assert_int_equal(got_r.rc, IAS_SUCCESS);
    assert_int_equal(got_r.values[0].type, IAS_OCTETS);
    assert_int_equal(got_r.values[0].len, 1000);
    assert_memory_equal(got_r.values[0].data, v.data, 1000);
    unsigned acks = 0;
    for (unsigned i = 0; i < P.npdu; i++)
        if (P.pdu_from[i] == 1 && P.pdu_len[i] == 3 && P.pdu[i][2] == 0xC4)
            acks++;
    assert_true(acks >= 3);
}

static void test_query_nobody(void **s)
{
    (void)s;
    assert_int_equal(ias_client_query(&CA, 0x33333333, "Device", "DeviceName", on_result, NULL), 0);
    pair_run(&P, 15000);
    assert_true(got);
    assert_true(got_status < 0);
    assert_int_equal(CA.state, IAS_C_IDLE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_format),
        cmocka_unit_test(test_server_answers),
        cmocka_unit_test(test_response_decoder_strict),
        cmocka_unit_test_setup(test_query_over_air, setup),
        cmocka_unit_test_setup(test_segmented_answer, setup),
        cmocka_unit_test_setup(test_query_nobody, setup),
    };
    return cmocka_run_group_tests_name("ias", tests, NULL, NULL);
}
