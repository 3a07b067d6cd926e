/*
 * irda_station.h - what the IrDA mode suites (test_irda_modes,
 * test_irda_ircomm) share about their stations: a copy of this program
 * started as a second station on the same air, which says when it is ready
 * to be talked to, and this station's own capture (CEWS2_IRDA_CAPTURE),
 * read back record by record.  (test_irda, test_irda_connect and
 * test_irda_linger have a harness of their own: irda_peer.h.)
 */
#ifndef IRDA_STATION_H
#define IRDA_STATION_H

#include "testutil.h"

/* Starts this program as `PROGRAM MODE PARENTPID` and waits (60 s at most)
 * until the child calls irda_station_ready(PARENTPID).  NULL when it could
 * not start, ended first or never got ready (then it is killed). */
HANDLE irda_station_start(const char *mode);
/* The child's side: tells the parent ppid that it is ready. */
void irda_station_ready(DWORD ppid);
/* Waits up to ms for the child to end, closes its handle and returns its
 * exit code (99 when it could not be read). */
DWORD irda_station_end(HANDLE child, DWORD ms);

/* This station's capture file: the path in environment variable env_var
 * when a shell suite set one (it then has tshark judge the file), else
 * TEMP\cews-NAME-PID.pcap. */
void irda_station_capture_path(char *path, size_t size, const char *env_var, const char *name);
/* One record of a capture: its LINKTYPE_LINUX_IRDA packet type (0
 * received, 4 sent) and the IrLAP frame (address, control, information). */
typedef int (*irda_station_frame_fn)(unsigned type, const unsigned char *frame, size_t len,
                                     const void *arg);
/* How many records of the capture at path match says are the ones wanted;
 * -1 if the file cannot be read.  The walk stops at a cut record (the file
 * is read while this station still writes it). */
int irda_station_capture_count(const char *path, irda_station_frame_fn match, const void *arg);

#endif
