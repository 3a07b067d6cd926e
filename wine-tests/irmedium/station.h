/*
 * station.h - the IrDA medium suites' station (wine-tests/test_irmedium*.c):
 * an irda/medium instance whose receive callback records every piece it
 * hears, with the waits, the hub queries and the numbered pieces the
 * suites check order and integrity with.  Linked into each
 * test_irmedium*.exe (Makefile), never into the other suites, which do not
 * link the medium.
 */
#ifndef IRMEDIUM_STATION_H
#define IRMEDIUM_STATION_H

#include "testutil.h"
#include "medium.h"

struct station {
    irmed_t *m;
    CRITICAL_SECTION lock;
    HANDLE got;                 /* auto reset: something arrived */
    uint8_t *buf;               /* pieces as [u16 len][bytes]... */
    size_t len, cap;
    size_t bytes, pieces;
    int ups, downs;
};

/* One piece a station heard: points into the copy st_pieces made. */
struct piece { const uint8_t *p; size_t n; };

/* Set by the teardown so that sender threads of a failed test stop. */
extern volatile LONG stop_senders;

/* A port of this test's own: distinct per process, program and k. */
unsigned short test_port(int k);
/* A station's configuration for the air on port, address addr, with the
 * prefix's hub by full path and a 3 s idle time. */
void air_config(struct irmed_config *c, unsigned short port, uint32_t addr);

/* Opens the medium for s (s in static storage: its threads outlive a
 * failed test's frame); closes it and frees what it heard. */
DWORD st_open(struct station *s, const struct irmed_config *c);
void st_close(struct station *s);
/* Opens stations a and b (air_config's defaults) on the air at port and
 * waits until both are up and the hub lists two stations. */
void st_open_pair(struct station *a, struct station *b, unsigned short port, uint32_t addr_a, uint32_t addr_b);
/* Bytes heard; up and down events seen. */
size_t st_bytes(struct station *s);
int st_ups(struct station *s);
int st_downs(struct station *s);
/* Waits until the station has heard at least n bytes; 1 if so. */
int st_wait_bytes(struct station *s, size_t n, DWORD ms);
/* Copies out the pieces heard so far; *count gets their number (free both
 * the array and *copy). */
struct piece *st_pieces(struct station *s, size_t *count, uint8_t **copy);
/* 1 if the station heard a piece equal to the string what. */
int st_heard(struct station *s, const char *what);

/* Stations the hub on port lists (-1 if none answers); waiting for n. */
int hub_stations(unsigned short port);
int wait_stations(unsigned short port, int n, DWORD ms);
/* Fails the test unless all n stations' air is up within 30 s. */
void wait_ready_all(struct station *s, int n);
/* Starts irair.exe --port port EXTRA, detached; 0 or the error. */
DWORD start_hub_proc(unsigned short port, const char *extra, HANDLE *proc);

/* A numbered piece: [u8 sender][u32 seq] then bytes derived from both;
 * make_piece writes it (at most 185 bytes) and returns its length,
 * check_piece reads one back, 1 if it is whole. */
size_t make_piece(uint8_t *b, unsigned sender, uint32_t seq);
int check_piece(const uint8_t *b, size_t n, unsigned *sender, uint32_t *seq);

/* A thread that sends count numbered pieces (0: until *stop or
 * stop_senders), gap_ms apart (0: a 1 ms pause every 50). */
struct sender_arg { struct station *s; unsigned id; uint32_t count; DWORD gap_ms; volatile LONG *stop; };
DWORD WINAPI sender_main(void *p);

/* cmocka teardown: stops senders, closes the stations a failed test left. */
int station_teardown(void **state);

#endif
