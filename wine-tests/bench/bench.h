/*
 * bench.h - `make bench`: ce-winsock measured against the host's Winsock.
 *
 * One program, run under Wine.  Every workload is written once, against a
 * table of Winsock function pointers (bench_api), and run through two
 * tables filled with GetProcAddress at run time:
 *
 *   "direct"  the host's ws2_32.dll itself;
 *   "ours"    ce-winsock's ws2.dll (-> celsp.dll -> hostprov.dll -> host ws2_32).
 *
 * The program imports neither DLL, so the two are loaded the same way and
 * a stray direct Winsock call is a link error.  Rounds alternate the two
 * (direct first in even rounds, ours first in odd ones); the harness keeps
 * every sample and reports medians, the spread (min..max) and the ratio.
 *
 * Files: wsapi.c (the tables), net.c (loopback helpers shared by the
 * workloads), harness.c (rounds, statistics), report.c (table, JSON),
 * main.c (arguments, the workload list), and one file per workload:
 * w1_bulk.c w2_pingpong.c w3_churn.c w4_iocp.c w5a_cancel_one.c
 * w5b_cancel_many.c w6_linger.c w7_irda.c w8_memory.c w9_trace.c.
 */
#ifndef BENCH_H
#define BENCH_H

#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <stddef.h>
#include <stdio.h>

/* ---- wsapi.c: one Winsock, reached through pointers -------------------- */
enum { BENCH_DIRECT = 0, BENCH_OURS = 1, BENCH_STACKS = 2 };

typedef struct bench_api {
    int stack;                          /* BENCH_DIRECT or BENCH_OURS */
    const char *name;                   /* "direct" or "ours" */
    HMODULE dll;
    char path[MAX_PATH];                /* where the DLL was loaded from */
    int (WSAAPI *WSAStartup)(WORD, LPWSADATA);
    int (WSAAPI *WSACleanup)(void);
    int (WSAAPI *WSAGetLastError)(void);
    SOCKET (WSAAPI *socket)(int, int, int);
    int (WSAAPI *bind)(SOCKET, const struct sockaddr *, int);
    int (WSAAPI *listen)(SOCKET, int);
    SOCKET (WSAAPI *accept)(SOCKET, struct sockaddr *, int *);
    int (WSAAPI *connect)(SOCKET, const struct sockaddr *, int);
    int (WSAAPI *send)(SOCKET, const char *, int, int);
    int (WSAAPI *recv)(SOCKET, char *, int, int);
    int (WSAAPI *closesocket)(SOCKET);
    int (WSAAPI *shutdown)(SOCKET, int);
    int (WSAAPI *setsockopt)(SOCKET, int, int, const char *, int);
    int (WSAAPI *getsockopt)(SOCKET, int, int, char *, int *);
    int (WSAAPI *getsockname)(SOCKET, struct sockaddr *, int *);
    int (WSAAPI *ioctlsocket)(SOCKET, __LONG32, u_long *);
    int (WSAAPI *WSARecv)(SOCKET, LPWSABUF, DWORD, LPDWORD, LPDWORD, LPWSAOVERLAPPED,
                          LPWSAOVERLAPPED_COMPLETION_ROUTINE);
} bench_api;

/* Loads the stack's DLL (by name, the normal search order) and starts it
 * (WSAStartup 2.2).  0 or -1. */
int bench_api_load(bench_api *api, int stack);
/* "direct" or "ours" for BENCH_DIRECT / BENCH_OURS. */
const char *bench_stack_name(int stack);

/* ---- net.c: loopback helpers, errors, time ------------------------------ */
double bench_now_ms(void);
/* Records the first failure (printf-style); later ones are dropped.  -1. */
int bench_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *bench_failure(void);
void bench_clear_failure(void);
/* A TCP listener on 127.0.0.1, ephemeral port; *addr is where to connect. */
SOCKET bench_listen(const bench_api *api, struct sockaddr_in *addr, int backlog);
/* One connection through api: *client connected to addr, *server accepted
 * from ls.  0 or -1 (both INVALID_SOCKET). */
int bench_connect_pair(const bench_api *api, SOCKET ls, const struct sockaddr_in *addr,
                       SOCKET *client, SOCKET *server);
/* send until all of len went, or -1. */
int bench_send_all(const bench_api *api, SOCKET s, const char *buf, int len);
/* An echo thread (CreateThread(..., bench_echo_bytes, &echo, ...)) for ping-pong workloads. */
struct bench_echo {
    const bench_api *api;
    SOCKET s;
};
DWORD WINAPI bench_echo_bytes(void *arg);
void bench_nodelay(const bench_api *api, SOCKET s);

/* A child bench.exe with arguments args and its stdout on a pipe (*out, to
 * read with bench_child_output); env: a CREATE_UNICODE_ENVIRONMENT block,
 * or NULL for this process's.  0, or -1 after bench_fail. */
int bench_child_start(const char *args, const WCHAR *env, HANDLE *process, HANDLE *out);
/* What the child wrote until it closed its end (at most len - 1 bytes, NUL
 * terminated, trailing line ends removed); closes out. */
void bench_child_output(HANDLE out, char *buf, size_t len);
/* Runs a child to its end (bound 120 s): its exit code and its output. */
DWORD bench_child_run(const char *args, char *buf, size_t len);

/* ---- harness.c / report.c: rounds, statistics, the table --------------- */
enum bench_better { HIGHER_IS_BETTER, LOWER_IS_BETTER };
enum bench_target {
    TARGET_NONE,        /* informative */
    TARGET_RATIO_MIN,   /* ratio >= target */
    TARGET_NOT_SLOWER,  /* not slower than the host: ratio >= 0.95 (5% for noise) */
    TARGET_OURS_MAX,    /* our median < target (absolute, in the metric's unit) */
    TARGET_OURS_MIN,    /* our median >= target (absolute, in the metric's unit) */
};

typedef struct bench_metric {
    const char *key;            /* machine name, e.g. "bulk_tcp" */
    const char *label;          /* table text */
    const char *unit;
    enum bench_better better;
    enum bench_target target_kind;
    double target;
} bench_metric;

typedef struct bench_stats {
    int n;
    double median, min, max;
    double samples[64];
} bench_stats;

/* A row of the table (and of results.json). */
typedef struct bench_row {
    char key[48];
    char label[64];
    char unit[16];
    int have[BENCH_STACKS];
    bench_stats st[BENCH_STACKS];
    int have_ratio;
    double ratio;               /* of the medians */
    double paired_ratio;        /* median of the per-round ratios (same round, adjacent runs) */
    char target[32];
    const char *verdict;        /* "PASS", "MISS", "-", "BROKEN" */
    char note[400];
} bench_row;

typedef struct bench_workload bench_workload;
struct bench_workload {
    const char *id;             /* on the command line */
    const char *title;
    const bench_metric *metrics;
    int n_metrics;
    int ours_only;              /* the host has no such behaviour to compare */
    int min_rounds;             /* at least this many rounds (0: the default) */
    /* One measurement through api: fills values[n_metrics] and may append a
     * remark to note (size note_size).  0, or -1 after bench_fail(). */
    int (*run)(const bench_api *api, double *values, char *note, size_t note_size);
    /* Optional: rows computed from the others' statistics (derived figures). */
    void (*derive)(const bench_workload *w, bench_row *rows, int n_rows);
    /* The last n_derived metrics are derive's alone: run() does not fill them. */
    int n_derived;
};

/* Fills a row from the statistics and the metric's target. */
void bench_row_judge(bench_row *row, const bench_metric *m);
void bench_stats_compute(bench_stats *st);
/* Appends to a note (truncating), printf-style. */
void bench_note(char *note, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

int bench_report_add(const bench_row *row);
void bench_report_print(FILE *out);
int bench_report_json(const char *path, int rounds);

/* ---- the workloads ------------------------------------------------------ */
extern const bench_workload w1_bulk, w2_pingpong, w3_churn, w4_iocp,
                            w5a_cancel_one, w5b_cancel_many, w6_linger, w8_memory;
/* w7_irda: one TinyTP connection between two IrDA stations on a private
 * loopback air, unshaped and with FIR line-rate emulation; ours only (the
 * host has no IrDA).  Its stations are child processes
 * (bench.exe --irda-child recv|send ...). */
extern const bench_workload w7_irda;
int w7_irda_child(int argc, char **argv);
/* w8_memory's child process (bench.exe --mem-child STACK N). */
int w8_memory_child(int stack, int count);
/* w9_trace: the cost of the trace switch, one child per variant
 * (bench.exe --trace-child untraced|off|on|direct). */
extern const bench_workload w9_trace;
int w9_trace_child(const char *variant);

#endif
