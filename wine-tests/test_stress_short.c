/*
 * test_stress_short.c - CI's short profile of the load tests (issue 5); the
 * long profile is `make stress` (wine-tests/stress/run.sh), running the
 * same code (stress/stress_core.c) with the sizes.
 *
 *   tcp_2x300          2 threads x 300 TCP connections, every scenario of
 *                      stress_core.h: exactly-once completions with valid
 *                      codes, overlapped calls racing closesocket with one
 *                      outcome each, every blocked call returns, no byte lost on a
 *                      graceful close, handles back to the baseline (+-8)
 *   open_close_5000    5,000 socket/close cycles: no error, handle and
 *                      private-byte slopes flat (< 0.002 handles/cycle,
 *                      < 64 bytes/cycle)
 */
#include "stress/stress_core.h"

#define HANDLE_TOLERANCE 8

static void tcp_2x300(void **state)
{
    (void)state;
    struct stress_tcp_cfg cfg = { 2, 300, 1, 32768, 0, 0 };
    struct stress_tcp_result r;
    stress_tcp(&cfg, &r);
    print_message("    %lld connections in %.1f s; overlapped %lld/%lld exactly once; blocked %lld/%lld returned "
                  "(WSAEINTR %lld, WSAENOTSOCK %lld); graceful %lld/%lld intact; hard %lld\n",
                  r.connections, r.seconds, r.ov_once, r.ov_issued, r.blocked_returned, r.blocked, r.codes_eintr,
                  r.codes_enotsock, r.graceful_ok, r.graceful, r.hard);
    print_message("    handles %ld -> %ld; private bytes %llu -> %llu (%+lld)\n", r.handles_before, r.handles_after,
                  r.private_before, r.private_after, (long long)(r.private_after - r.private_before));
    print_message("    overlapped calls racing closesocket %lld: failed at once %lld, completed exactly once %lld; "
                  "failed AND completed %lld, never %lld, twice %lld, bad code %lld\n", r.race.rounds,
                  r.race.failed_at_once, r.race.completed_once, r.race.both, r.race.none, r.race.duplicate,
                  r.race.bad_code);
    if (r.first_error[0])
        print_message("    first error: %s\n", r.first_error);
    if (r.race.first_problem[0])
        print_message("    first race problem: %s\n", r.race.first_problem);
    assert_int_equal(r.connections, 600);
    assert_int_equal(r.ov_missing, 0);
    assert_int_equal(r.ov_duplicate, 0);
    assert_int_equal(r.ov_bad_code, 0);
    assert_int_equal(r.blocked_hung, 0);
    assert_int_equal(r.blocked_bad_code, 0);
    assert_int_equal(r.race.both, 0);
    assert_int_equal(r.race.none, 0);
    assert_int_equal(r.race.duplicate, 0);
    assert_int_equal(r.race.bad_code, 0);
    assert_true(r.race.rounds > 0);
    assert_int_equal(r.graceful_ok, r.graceful);
    assert_int_equal(r.errors, 0);
    assert_true(stress_tcp_ok(&r));
    if (labs(r.handles_after - r.handles_before) > HANDLE_TOLERANCE)
        fail_msg("handle count %ld -> %ld: more than %d apart", r.handles_before, r.handles_after, HANDLE_TOLERANCE);
}

static void open_close_5000(void **state)
{
    (void)state;
    struct stress_cycles_cfg cfg = { 5000, 25 };
    struct stress_cycles_result r;
    stress_cycles(&cfg, &r);
    print_message("    %ld cycles in %.1f s; handles %ld -> %ld (%.5f/cycle); private bytes %llu -> %llu (%.2f/cycle)\n",
                  r.cycles, r.seconds, r.handles_start, r.handles_end, r.handles_per_cycle, r.private_start,
                  r.private_end, r.bytes_per_cycle);
    if (r.errors)
        fail_msg("%ld errors; first: %s", r.errors, r.first_error);
    if (r.handles_per_cycle > 0.002)
        fail_msg("handles grow by %.5f per cycle", r.handles_per_cycle);
    if (r.bytes_per_cycle > 64)
        fail_msg("private bytes grow by %.1f per cycle", r.bytes_per_cycle);
}

int main(int argc, char **argv)
{
    tu_main_init(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tcp_2x300),
        cmocka_unit_test(open_close_5000),
    };
    return cmocka_run_group_tests_name("stress_short", tests, tu_group_startup, tu_group_cleanup);
}
