/*
 * test_stack_flow.c - two complete stations (stack_pair.h): how writes
 * become TinyTP PDUs (small writes coalesce, large ones fill whole PDUs), a
 * peer that ignores TinyTP credit (the connection ends, nothing is cut),
 * and the hint bits a station advertises for the IAS classes it serves.
 */
#include "stack_pair.h"

/* A stream written 100 bytes at a time: writes made while the sender waits
 * for credit or for IrLAP fill up the PDU already queued (no Nagle delay:
 * a write with credit at hand still leaves at once), and the bytes arrive
 * intact and in order. */
/* A connects B; A writes want bytes in writes of write_len on a line of
 * 12 bytes/ms (115.2 kb/s), B reads and checks them all.  Returns the PDUs
 * A's TinyTP sent for them; *writes gets the number of writes. */
static unsigned long write_in_pieces(size_t write_len, size_t want, size_t *writes, uint64_t *took_ms)
{
    discover_query_connect();
    air.bytes_per_ms = 12;
    size_t sent = 0, got = 0;
    unsigned long pdus0 = NA.st.conns[conn_a - 1].ttp.tx_pdus;
    uint64_t t0 = air.now;
    static uint8_t buf[8192];
    *writes = 0;
    while (got < want && air.now < t0 + 120000) {
        while (sent < want) {
            size_t n = want - sent < write_len ? want - sent : write_len;
            for (size_t i = 0; i < n; i++) buf[i] = pattern(sent + i, 0);
            int rc = irda_stack_send(&NA.st, conn_a, buf, n);
            if (rc == IRDA_ERR_AGAIN) break;
            assert_true(rc > 0);
            sent += (size_t)rc;
            (*writes)++;
        }
        int rc;
        while ((rc = irda_stack_recv(&NB.st, conn_b, buf, sizeof buf)) > 0) {
            for (int i = 0; i < rc; i++)
                if (buf[i] != pattern(got + (size_t)i, 0))
                    fail_msg("byte %zu wrong", got + (size_t)i);
            got += (size_t)rc;
        }
        run(5);
    }
    air.bytes_per_ms = 0;
    assert_int_equal(got, want);
    assert_int_equal(NB.st.conns[conn_b - 1].ttp.protocol_errors, 0);
    *took_ms = air.now - t0;
    return NA.st.conns[conn_a - 1].ttp.tx_pdus - pdus0;
}

static void test_small_writes_coalesce(void **s)
{
    (void)s;
    size_t writes;
    uint64_t took;
    unsigned long pdus = write_in_pieces(100, 60000, &writes, &took);
    print_message("%zu writes of 100 bytes left in %lu PDUs, %llu ms\n", writes, pdus, (unsigned long long)took);
    assert_true(pdus * 4 < writes);
}

/* Writes of 2048 bytes on a stream faster than the line top up the PDU
 * still queued (2045 bytes of data each with 2 KiB frames) instead of
 * making two PDUs each (2045 + 3): 200 writes took 400 PDUs, now about
 * 255 (a PDU already on its way when the next write comes is not topped
 * up: the line does not wait for the writer). */
static void test_writes_fill_whole_pdus(void **s)
{
    (void)s;
    size_t writes;
    uint64_t took;
    unsigned long pdus = write_in_pieces(2048, 200 * 2048, &writes, &took);
    print_message("%zu writes of 2048 bytes in %lu PDUs of up to %d bytes\n", writes, pdus,
                  irda_stack_send_pdu_len(&NA.st, conn_a));
    assert_true(pdus * 2 < 200 * 3);
}

/* The LM-PDUs a station sent, from its capture: calls fn for each I-frame
 * payload (direction "sent" in the LINKTYPE_LINUX_IRDA header). */
static int find_sent_lm_pdu(const uint8_t *cap, size_t len, uint8_t first, uint8_t opcode,
                            const uint8_t **pdu, size_t *pdu_len)
{
    size_t o = 24;
    int found = 0;
    while (o + 16 + 16 <= len) {
        uint32_t incl;
        memcpy(&incl, cap + o + 8, 4);
        const uint8_t *ph = cap + o + 16, *f = ph + 16;
        size_t flen = incl - 16;
        if (ph[0] == 0x00 && ph[1] == 0x04 && flen > 2 + 4 && (f[1] & 1) == 0 &&
            f[2] == first && f[4] == opcode) {
            *pdu = f + 2;
            *pdu_len = flen - 2;
            found = 1;
        }
        o += 16 + incl;
    }
    return found;
}

/* A peer that ignores credit: A writes full PDUs straight to IrLMP while B's
 * application reads nothing.  B takes what fits its window (the credit it
 * gave), then ends the connection at the first PDU beyond it: B's reader
 * gets every byte sent within credit, intact, then the end with the local
 * violation reason; A hears a disconnect with reason 0xFF and the rule as
 * user data (checked byte by byte in B's capture).  Before, the ring kept
 * what fitted and dropped the rest of each PDU without a word. */
static void test_peer_ignoring_credit(void **s)
{
    (void)s;
    struct irda_pcap pc;
    cap_len = 0;
    assert_int_equal(irda_pcap_open(&pc, cap_write, NULL), 0);
    irda_stack_set_capture(&NB.st, &pc, 0);
    discover_query_connect();
    struct irda_conn *ca = &NA.st.conns[conn_a - 1];
    uint8_t b_lsap = ca->dlsap, a_lsap = ca->lsap;
    size_t per_pdu = (size_t)irda_stack_send_pdu_len(&NA.st, conn_a);
    unsigned window = (unsigned)(IRDA_STACK_RXBUF / per_pdu);
    static uint8_t pdu[IRLAP_MAX_DATA];
    size_t sent = 0;
    unsigned pdus = 0;
    while (pdus < window + 8 && ca->ttp.lsap && !NA.disconnected) {
        pdu[0] = 0x00;                          /* no credit given, none asked */
        for (size_t i = 0; i < per_pdu; i++) pdu[1 + i] = pattern(sent + i, 0);
        int rc = irlmp_data_request(ca->ttp.lsap, pdu, per_pdu + 1);
        if (rc == IRDA_ERR_AGAIN) {
            run(20);
            continue;
        }
        assert_int_equal(rc, 0);
        sent += per_pdu;
        pdus++;
        irda_stack_set_time(&NA.st, air.now);   /* flushes the frame out */
    }
    run(3000);
    assert_true(NB.disconnected);
    assert_int_equal(NB.disc_reason, IRLMP_R_LOCAL_VIOLATION);
    assert_int_equal(NB.st.conns[conn_b - 1].ttp.violation, TTP_V_NO_CREDIT);
    assert_true(NA.disconnected);
    assert_int_equal(NA.disc_reason, IRLMP_R_UNSPECIFIED);
    /* B's reader: the PDUs within credit, whole, then the end of the stream */
    static uint8_t buf[IRDA_STACK_RXBUF];
    size_t got = 0;
    int rc;
    while ((rc = irda_stack_recv(&NB.st, conn_b, buf, sizeof buf)) > 0) {
        for (int i = 0; i < rc; i++)
            if (buf[i] != pattern(got + (size_t)i, 0))
                fail_msg("byte %zu wrong", got + (size_t)i);
        got += (size_t)rc;
    }
    assert_int_equal(rc, 0);
    print_message("credit window %u PDUs of %zu bytes: %u PDUs sent, %zu bytes read at B\n",
                  window, per_pdu, pdus, got);
    assert_int_equal(got % per_pdu, 0);         /* whole PDUs only */
    assert_true(got >= per_pdu && got <= (size_t)window * per_pdu);
    assert_true(got < sent);
    /* on the wire: B's disconnect LM-PDU, 0x80|A's LSAP, B's LSAP, 0x02, 0xFF, why */
    const uint8_t *d;
    size_t dl;
    assert_true(find_sent_lm_pdu(cap_buf, cap_len, (uint8_t)(0x80 | a_lsap), 0x02, &d, &dl));
    const char *why = ttp_violation_text(TTP_V_NO_CREDIT);
    uint8_t want[80] = { (uint8_t)(0x80 | a_lsap), b_lsap, 0x02, 0xFF };
    memcpy(want + 4, why, strlen(why));
    assert_int_equal(dl, 4 + strlen(why));
    assert_memory_equal(d, want, dl);
    irda_stack_set_capture(&NB.st, NULL, 0);
    free(cap_buf);
    cap_buf = NULL;
    cap_cap = 0;
    assert_int_equal(irda_stack_close(&NB.st, conn_b, false), 0);
    assert_int_equal(irda_stack_close(&NA.st, conn_a, false), 0);
}

/* Hint bits follow what a station serves: a computer only, then OBEX and an
 * IrLPT printer service (byte 1 computer|printer with the extension bit,
 * byte 2 IrOBEX: 8C 20 in the XID discovery info B sends, byte by byte),
 * then back once the classes are gone.  Names only match whole or, for
 * OBEX, as a "OBEX:" prefix. */
static void test_hints_follow_services(void **s)
{
    (void)s;
    struct irda_device_info d[4];
    uint8_t h[2];
    irda_hints_for_ias(&NB.st.ias_db, h);
    assert_int_equal(h[0], IRDA_HINT1_COMPUTER);
    assert_int_equal(h[1], 0);
    assert_int_equal(irda_stack_discover(&NA.st, 6), 0);
    run(2000);
    assert_int_equal(irda_stack_devices(&NA.st, d, 4), 1);
    assert_int_equal(d[0].nhints, 1);
    assert_int_equal(d[0].hints[0], 0x04);

    struct ias_value v = { .type = IAS_INTEGER, .integer = 5 };
    assert_true(irda_stack_ias_set(&NB.st, "OBEX:IrXfer", "IrDA:TinyTP:LsapSel", &v) >= 0);
    assert_true(irda_stack_ias_set(&NB.st, "IrLPT", "IrDA:IrLMP:LsapSel", &v) >= 0);
    assert_true(irda_stack_ias_set(&NB.st, "OBEXish", "IrDA:TinyTP:LsapSel", &v) >= 0);
    assert_true(irda_stack_ias_set(&NB.st, "IrDA:IrCOMMx", "IrDA:TinyTP:LsapSel", &v) >= 0);
    irda_hints_for_ias(&NB.st.ias_db, h);
    assert_int_equal(h[0], IRDA_HINT1_COMPUTER | IRDA_HINT1_PRINTER);
    assert_int_equal(h[1], IRDA_HINT2_OBEX);
    irda_stack_set_hints(&NB.st, h[0], h[1]);

    struct irda_pcap pc;
    cap_len = 0;
    assert_int_equal(irda_pcap_open(&pc, cap_write, NULL), 0);
    irda_stack_set_capture(&NB.st, &pc, 0);
    NA.disc_done = false;
    assert_int_equal(irda_stack_discover(&NA.st, 6), 0);
    run(2000);
    assert_true(NA.disc_done);
    assert_int_equal(irda_stack_devices(&NA.st, d, 4), 1);
    assert_int_equal(d[0].nhints, 2);
    assert_int_equal(d[0].hints[0], 0x8C);     /* computer, printer, extension */
    assert_int_equal(d[0].hints[1], 0x20);     /* IrOBEX */
    /* B's XID response: FF, XID (final), FI 01, B's address, A's, flags, slot,
     * version 00, then the discovery info 8C 20 charset 00 "bravo" */
    size_t o = 24;
    int seen = 0;
    while (o + 32 <= cap_len) {
        uint32_t incl;
        memcpy(&incl, cap_buf + o + 8, 4);
        const uint8_t *f = cap_buf + o + 32;
        size_t flen = incl - 16;
        if (cap_buf[o + 17] == 0x04 && flen >= 14 && f[0] == 0xFE && (f[1] & 0xEF) == 0xAF) {
            const uint8_t info[] = { 0x8C, 0x20, 0x00, 'b', 'r', 'a', 'v', 'o' };
            assert_int_equal(flen, 14 + sizeof info);
            assert_memory_equal(f + 14, info, sizeof info);
            seen++;
        }
        o += 16 + incl;
    }
    assert_int_equal(seen, 1);
    irda_stack_set_capture(&NB.st, NULL, 0);
    free(cap_buf);
    cap_buf = NULL;
    cap_cap = 0;

    assert_int_equal(irda_stack_ias_remove(&NB.st, "OBEX:IrXfer", NULL), 0);
    assert_int_equal(irda_stack_ias_remove(&NB.st, "IrLPT", NULL), 0);
    irda_hints_for_ias(&NB.st.ias_db, h);
    assert_int_equal(h[0], IRDA_HINT1_COMPUTER);
    assert_int_equal(h[1], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_small_writes_coalesce, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writes_fill_whole_pdus, setup, teardown),
        cmocka_unit_test_setup_teardown(test_peer_ignoring_credit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hints_follow_services, setup, teardown),
    };
    return cmocka_run_group_tests_name("stack_flow", tests, NULL, NULL);
}
