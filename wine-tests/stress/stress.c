/*
 * stress.c - the long load runs of `make stress` (wine-tests/stress/run.sh
 * runs them under Wine): figures on stdout, exit 0 when every promise held.
 *
 *   stress.exe tcp THREADS SOCKETS_PER_THREAD [SEED [SCENARIO_MASK]]
 *   stress.exe cycles CYCLES [SAMPLES]
 *   stress.exe irda ROUNDS BYTES          (stress_irda.c; exit 77: no AF_IRDA)
 *
 * See stress_core.h for what each run does and checks.
 */
#include "stress_worker.h"   /* stress_core.h, and what stress_irda.c takes from the TCP test */
#include "stress_irda.c"

static void print_tcp(const struct stress_tcp_cfg *cfg, const struct stress_tcp_result *r)
{
    static const char *sc[SC_COUNT] = { "host-peer", "own-peer", "ov-event", "ov-routine", "ov-port", "blocked",
                                         "ov-race" };
    printf("tcp: %d threads x %d sockets, seed %u: %lld connections in %.1f s (%.0f/s)\n", cfg->threads,
           cfg->sockets_per_thread, cfg->seed, r->connections, r->seconds,
           r->seconds > 0 ? (double)r->connections / r->seconds : 0.0);
    printf("tcp: scenarios:");
    for (int i = 0; i < SC_COUNT; i++)
        printf(" %s %lld", sc[i], r->by_scenario[i]);
    printf("\n");
    printf("tcp: bytes sent %lld, counted by peers %lld\n", r->bytes_sent, r->bytes_peer);
    printf("tcp: graceful closes %lld, every byte + FIN %lld; hard closes %lld, clean %lld\n", r->graceful,
           r->graceful_ok, r->hard, r->hard_ok);
    printf("tcp: overlapped requests %lld: exactly once with a valid code %lld, missing %lld, duplicate %lld, bad code %lld\n",
           r->ov_issued, r->ov_once, r->ov_missing, r->ov_duplicate, r->ov_bad_code);
    printf("tcp: blocked calls closed under %lld: returned %lld (WSAEINTR %lld, WSAENOTSOCK %lld), hung %lld, bad code %lld\n",
           r->blocked, r->blocked_returned, r->codes_eintr, r->codes_enotsock, r->blocked_hung, r->blocked_bad_code);
    printf("tcp: overlapped calls racing closesocket %lld: failed at once %lld (WSAENOTSOCK %lld, WSAEINTR %lld), "
           "completed exactly once %lld; failed AND completed %lld, never completed %lld, twice %lld, bad code %lld%s%s\n",
           r->race.rounds, r->race.failed_at_once, r->race.failed_enotsock, r->race.failed_eintr,
           r->race.completed_once, r->race.both, r->race.none, r->race.duplicate, r->race.bad_code,
           r->race.first_problem[0] ? "; first: " : "", r->race.first_problem);
    printf("tcp: handles %ld -> %ld (%+ld); private bytes %llu -> %llu (%+lld)\n", r->handles_before,
           r->handles_after, r->handles_after - r->handles_before, r->private_before, r->private_after,
           (long long)(r->private_after - r->private_before));
    if (stress_handle_count_scanned)
        printf("tcp: (handle count: GetProcessHandleCount gives 0 under Wine; counted by scanning the handle table)\n");
    printf("tcp: errors %lld%s%s\n", r->errors, r->first_error[0] ? "; first: " : "", r->first_error);
    printf("tcp: %s\n", stress_tcp_ok(r) ? "PASS" : "FAIL");
}

static void print_cycles(const struct stress_cycles_result *r)
{
    printf("cycles: %ld open/close cycles in %.1f s (%.0f/s)\n", r->cycles, r->seconds,
           r->seconds > 0 ? (double)r->cycles / r->seconds : 0.0);
    printf("cycles: handles %ld -> %ld; private bytes %llu -> %llu\n", r->handles_start, r->handles_end,
           r->private_start, r->private_end);
    printf("cycles: slope %.4f handles/cycle, %.2f bytes/cycle\n", r->handles_per_cycle, r->bytes_per_cycle);
    printf("cycles: errors %ld%s%s\n", r->errors, r->first_error[0] ? "; first: " : "", r->first_error);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    /* the IrDA modes set the station's environment before WSAStartup */
    if (argc >= 4 && strcmp(argv[1], "irda-station") == 0)
        return irda_station_main(atoi(argv[2]), (DWORD)strtoul(argv[3], NULL, 0), argc, argv);
    if (argc >= 4 && strcmp(argv[1], "irda") == 0) {
        int rc = irda_main(atoi(argv[2]), (unsigned)strtoul(argv[3], NULL, 0), argc > 4 ? atoi(argv[4]) : 3);
        WSACleanup();
        return rc;
    }
    if (argc < 3) {
        fprintf(stderr, "usage: stress.exe tcp THREADS SOCKETS [SEED [MASK]] | cycles CYCLES [SAMPLES] | irda ROUNDS BYTES\n");
        return 2;
    }
    if (tu_startup()) {
        fprintf(stderr, "WSAStartup failed\n");
        return 2;
    }
    int ok;
    if (strcmp(argv[1], "tcp") == 0 && argc >= 4) {
        struct stress_tcp_cfg cfg = { atoi(argv[2]), atoi(argv[3]), argc > 4 ? (unsigned)strtoul(argv[4], NULL, 0) : 1,
                                      SEND_MAX, 0,
                                      argc > 5 ? (unsigned)strtoul(argv[5], NULL, 0) : 0 };
        struct stress_tcp_result r;
        cfg.progress = cfg.sockets_per_thread >= 2000 ? cfg.sockets_per_thread / 5 : 0;
        stress_tcp(&cfg, &r);
        print_tcp(&cfg, &r);
        ok = stress_tcp_ok(&r);
    } else if (strcmp(argv[1], "cycles") == 0) {
        struct stress_cycles_cfg cfg = { atol(argv[2]), argc > 3 ? atoi(argv[3]) : 50 };
        struct stress_cycles_result r;
        stress_cycles(&cfg, &r);
        print_cycles(&r);
        ok = r.errors == 0;
    } else {
        fprintf(stderr, "unknown run %s\n", argv[1]);
        return 2;
    }
    WSACleanup();
    return ok ? 0 : 1;
}
