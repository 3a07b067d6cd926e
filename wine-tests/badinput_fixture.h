/*
 * badinput_fixture.h - the sockets test_badinput's rows are run on, each in
 * the state its rows need (made by badinput_fixture_setup, closed by
 * badinput_fixture_teardown).
 */
#ifndef BADINPUT_FIXTURE_H
#define BADINPUT_FIXTURE_H

#include "testutil.h"

typedef struct fixture {
    SOCKET tcp;          /* unbound TCP */
    SOCKET bound;        /* bound UDP */
    SOCKET tcp6;         /* unbound TCP/IPv6 */
    SOCKET listener;     /* non-blocking, with one pending connection (from pending_client) */
    SOCKET pending_client;
    SOCKET client, server;   /* connected pair; server non-blocking during the rows */
    SOCKET udp;          /* bound UDP, one datagram queued */
    SOCKET irda;         /* AF_IRDA stream socket, or INVALID_SOCKET without irdaprov */
    unsigned short udp_port;
} fixture;

extern fixture fx;

int badinput_fixture_setup(void **state);
int badinput_fixture_teardown(void **state);

#endif
