/*
 * hub_client.h - a raw client of the air hub for the tests that play one
 * (test_irmedium_hostile.c, make stress's hostile client): a TCP
 * connection to irair.exe through our own stack, past the hub's owner
 * check (airproto.h) answered as the test asks.  Linked into the
 * test_irmedium*.exe and into stress.exe (Makefile).
 */
#ifndef IRMEDIUM_HUB_CLIENT_H
#define IRMEDIUM_HUB_CLIENT_H

#include "testutil.h"

/* How the client answers the hub's CHALLENGE. */
enum hub_client_key {
    HUB_KEY_NONE,       /* not at all: the first message is the caller's */
    HUB_KEY_WRONG,      /* with the hub's key, one bit of it flipped */
    HUB_KEY_OWNER,      /* with the hub's key, as a process of its user can */
};

/* A connection to the hub on 127.0.0.1:port whose CHALLENGE came within
 * timeout_ms (both socket timeouts are left at that) and was answered as
 * key says; for HUB_KEY_WRONG, wrong_bit (taken modulo the key's bits)
 * is the bit flipped.  INVALID_SOCKET when any step fails. */
SOCKET hub_client_open(unsigned short port, enum hub_client_key key, unsigned wrong_bit,
                       DWORD timeout_ms);

#endif
