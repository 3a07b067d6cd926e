/*
 * test_irmedium_serial.c - the IrDA medium's serial backend under Wine:
 * two stations over a socat pty pair (both ways at once, IrLAP's rate
 * change, out of range), and the cable unplugged and plugged back
 * (serialcable.h).  Skipped without socat or WINEPREFIX.
 */
#include "irmedium/station.h"
#include "serialcable.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int unix_sh(const char *script)
{
    /* Wine runs a Unix program named by a Unix path; it gives no handle back */
    char cmd[2048];
    STARTUPINFOA si;
    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    PROCESS_INFORMATION pi;
    snprintf(cmd, sizeof(cmd), "/bin/sh -c \"%s\"", script);
    if (!CreateProcessA("/bin/sh", cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi))
        return 0;
    if (pi.hThread) CloseHandle(pi.hThread);
    if (pi.hProcess) CloseHandle(pi.hProcess);
    return 1;
}

/* Opens stations a and b on COMna and COMnb, retrying while socat makes
 * the ports (up to 15 s). */
static void open_serial_pair(struct station *a, struct station *b, unsigned na, unsigned nb)
{
    struct irmed_config c;
    DWORD ea = 1, eb = 1;
    double end = tu_now_ms() + 15000;
    irmed_config_default(&c);
    c.kind = IRMED_SERIAL;
    memset(a, 0, sizeof(*a));
    memset(b, 0, sizeof(*b));
    while (ea || eb) {
        if (ea) {
            _snwprintf(c.serial_port, 16, L"COM%u", na);
            ea = st_open(a, &c);
            if (ea) st_close(a);
        }
        if (eb) {
            _snwprintf(c.serial_port, 16, L"COM%u", nb);
            eb = st_open(b, &c);
            if (eb) st_close(b);
        }
        if (tu_now_ms() > end)
            fail_msg("COM%u/COM%u did not open: %lu/%lu", na, nb, (unsigned long)ea, (unsigned long)eb);
        if (ea || eb) Sleep(100);
    }
}

static void serial_pty_pair(void **state)
{
    (void)state;
    char prefix[MAX_PATH], sh[256], script[MAX_PATH];
    const char *socat = NULL;
    if (GetFileAttributesA("Z:\\usr\\bin\\socat") != INVALID_FILE_ATTRIBUTES) socat = "/usr/bin/socat";
    else if (GetFileAttributesA("Z:\\usr\\local\\bin\\socat") != INVALID_FILE_ATTRIBUTES) socat = "/usr/local/bin/socat";
    if (!socat) {
        print_message("socat not installed (apt-get install socat): serial test skipped\n");
        skip();
    }
    DWORD pl = GetEnvironmentVariableA("WINEPREFIX", prefix, sizeof(prefix));
    if (!pl || pl >= sizeof(prefix)) {
        print_message("WINEPREFIX not set (run through wine-tests/run.sh): serial test skipped\n");
        skip();
    }
    unsigned na = 40 + (GetCurrentProcessId() % 100) * 2, nb = na + 1;
    /* A script, so that no quoting goes through the Windows command line.
     * Closing a pty master hangs up its slave, and wineserver (which opened
     * the slave as a session leader, making it its controlling tty) then
     * gets SIGHUP and dumps its whole object table to its stderr, i.e. into
     * the test log.  So socat lives until this prefix's wineserver is gone
     * (run.sh stops it at the end), and only then is killed. */
    unsigned long pid = (unsigned long)GetCurrentProcessId();
    snprintf(script, sizeof(script), "Z:\\tmp\\irmed-serial-%lu.sh", pid);
    FILE *f = fopen(script, "wb");
    assert_non_null(f);
    fprintf(f,
            "#!/bin/sh\n"
            "# written by test_irmedium_serial.exe: a pty pair for COM%u and COM%u\n"
            "P='%s'\n"
            "rm -f \"$P/dosdevices/com%u\" \"$P/dosdevices/com%u\"\n"
            "%s pty,raw,echo=0,link=\"$P/dosdevices/com%u\" pty,raw,echo=0,link=\"$P/dosdevices/com%u\" &\n"
            "S=$!\n"
            "k=server-$(stat -Lc %%D \"$P\")-$(printf %%x $(stat -Lc %%i \"$P\"))\n"
            "W=\n"
            "for p in /proc/[0-9]*; do\n"
            "  case \"$(readlink $p/exe)\" in *wineserver*)\n"
            "    case \"$(readlink $p/cwd)\" in */$k) W=${p#/proc/} ;; esac ;; esac\n"
            "done\n"
            "if [ -n \"$W\" ]; then\n"
            "  n=0; while kill -0 $W 2>/dev/null && [ $n -lt 3600 ]; do sleep 1; n=$((n+1)); done\n"
            "else sleep 120; fi\n"
            "kill $S 2>/dev/null\n"
            "rm -f \"$0\"\n",
            na, nb, prefix, na, nb, socat, na, nb);
    fclose(f);
    snprintf(sh, sizeof(sh), "/bin/sh /tmp/irmed-serial-%lu.sh </dev/null >/dev/null 2>&1 &", pid);
    assert_true(unix_sh(sh));

    static struct station a, b;
    open_serial_pair(&a, &b, na, nb);
    tu_log("COM%u <-> COM%u open", na, nb);
    assert_int_equal(irmed_wait_ready(a.m, 5000), 0);
    assert_int_equal(a.ups, 1);

    /* both ways at once, 20 KB each; a UART keeps bytes, not pieces */
    const size_t total = 20000;
    uint8_t *buf = malloc(total);
    tu_fill(buf, 0, total);
    for (size_t off = 0; off < total; off += 500) {
        assert_int_equal(irmed_send(a.m, buf + off, 500), 0);
        assert_int_equal(irmed_send(b.m, buf + off, 500), 0);
    }
    assert_true(st_wait_bytes(&b, total, 30000));
    assert_true(st_wait_bytes(&a, total, 30000));
    tu_log("20000 bytes each way");
    struct station *pair[2] = { &a, &b };
    for (int k = 0; k < 2; k++) {
        size_t np, off = 0;
        uint8_t *copy;
        struct piece *v = st_pieces(pair[k], &np, &copy);
        for (size_t i = 0; i < np; i++) {
            assert_true(tu_check(v[i].p, off, v[i].n) == (size_t)-1);
            off += v[i].n;
        }
        assert_int_equal(off, total);
        free(v); free(copy);
    }
    /* IrLAP's negotiated rate reprograms the port; bytes still flow */
    assert_int_equal(irmed_set_baud(a.m, 115200), 0);
    assert_int_equal(irmed_set_baud(b.m, 115200), 0);
    assert_int_equal(irmed_send(a.m, "after", 5), 0);
    assert_true(st_wait_bytes(&b, total + 5, 10000));
    tu_log("115200 bit/s");
    /* out of range: nothing leaves, nothing is heard */
    assert_int_equal(irmed_set_in_range(a.m, 0), 0);
    assert_int_equal(irmed_send(a.m, "lost", 4), 0);
    assert_int_equal(irmed_send(b.m, "lost", 4), 0);
    Sleep(500);
    assert_int_equal(st_bytes(&b), total + 5);
    assert_int_equal(st_bytes(&a), total);
    free(buf);
    st_close(&a);
    st_close(&b);
}

/*
 * The COM port unplugged and plugged back: socat's pty pair is the cable.
 * Killing socat hangs both ptys up (the ports' handles stay, every call on
 * them fails); a new socat makes new ptys under the same COM names.  Each
 * station must report IRMED_EV_DOWN, drop what it sends meanwhile (no
 * hang), open the port again once it is back (IRMED_EV_UP) and carry bytes
 * both ways again.  (Wine's server dumps its object table to its stderr
 * when a pty it holds is hung up: noise in the prefix's first log.)
 */
static void serial_unplug_replug(void **state)
{
    (void)state;
    static struct tu_cable cable;
    int rc = tu_cable_init(&cable, 240);
    if (rc == 77) {
        print_message("socat or WINEPREFIX missing: serial test skipped\n");
        skip();
    }
    assert_int_equal(rc, 0);
    assert_int_equal(tu_cable_plug(&cable), 0);

    static struct station a, b;
    open_serial_pair(&a, &b, cable.a, cable.b);
    assert_int_equal(irmed_send(a.m, "plugged", 7), 0);
    assert_true(st_wait_bytes(&b, 7, 10000));

    /* unplug */
    double t0 = tu_now_ms();
    assert_int_equal(tu_cable_unplug(&cable), 0);
    while ((st_downs(&a) < 1 || st_downs(&b) < 1) && tu_now_ms() - t0 < 10000)
        Sleep(20);
    print_message("unplugged: DOWN on both ports after %.0f ms (a %d, b %d)\n", tu_now_ms() - t0, st_downs(&a),
                  st_downs(&b));
    assert_int_equal(st_downs(&a), 1);
    assert_int_equal(st_downs(&b), 1);
    assert_int_equal(irmed_wait_ready(a.m, 0), WAIT_TIMEOUT);
    /* sending meanwhile neither blocks nor reaches anyone */
    struct irmed_stats st0, st1;
    irmed_get_stats(a.m, &st0);
    for (int i = 0; i < 10; i++)
        assert_int_equal(irmed_send(a.m, "lost", 4), 0);
    Sleep(300);
    irmed_get_stats(a.m, &st1);
    assert_true(st1.tx_dropped >= st0.tx_dropped + 40);

    /* plug back in: new ptys under the same names */
    t0 = tu_now_ms();
    assert_int_equal(tu_cable_plug(&cable), 0);
    while ((st_ups(&a) < 2 || st_ups(&b) < 2) && tu_now_ms() - t0 < 15000)
        Sleep(20);
    print_message("plugged back: UP on both ports after %.0f ms\n", tu_now_ms() - t0);
    assert_int_equal(st_ups(&a), 2);
    assert_int_equal(st_ups(&b), 2);
    assert_int_equal(irmed_wait_ready(a.m, 0), 0);
    size_t had_a = st_bytes(&a), had_b = st_bytes(&b);
    assert_int_equal(had_b, 7);              /* nothing of the unplugged time arrived */
    assert_int_equal(irmed_send(a.m, "again", 5), 0);
    assert_int_equal(irmed_send(b.m, "back", 4), 0);
    assert_true(st_wait_bytes(&b, had_b + 5, 10000));
    assert_true(st_wait_bytes(&a, had_a + 4, 10000));
    st_close(&a);
    st_close(&b);
    tu_cable_done(&cable);
}

int main(int argc, char **argv)
{
    tu_main_init(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(serial_pty_pair, station_teardown),
        cmocka_unit_test_teardown(serial_unplug_replug, station_teardown),
    };
    return cmocka_run_group_tests(tests, tu_group_startup, tu_group_cleanup);
}
