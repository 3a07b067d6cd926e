/*
 * pcap.h - capture writer for LINKTYPE_LINUX_IRDA (144) pcap files.
 *
 * Global header (24 bytes, written in the host's byte order as pcap does,
 * magic 0xA1B2C3D4, version 2.4, snaplen, link type 144), then per frame a
 * record header (ts_sec, ts_usec, incl_len, orig_len) followed by a 16-byte
 * pseudo-header: bytes 0-1 direction, big-endian (0 = received, 4 = sent),
 * bytes 2-13 zero, bytes 14-15 protocol 0x0017 big-endian; then the IrLAP
 * frame (address, control, information) without the FCS.
 * Output goes through an abstract write callback.
 */
#ifndef IRDA_PCAP_H
#define IRDA_PCAP_H

#include "irda_common.h"

#define IRDA_PCAP_LINKTYPE   144
#define IRDA_PCAP_SNAPLEN    4096
#define IRDA_PCAP_DIR_RX     0
#define IRDA_PCAP_DIR_TX     4
#define IRDA_PCAP_PSEUDO_LEN 16

struct irda_pcap {
    void *ctx;
    /* Returns 0 on success; a failure stops the capture. */
    int (*write)(void *ctx, const void *buf, size_t len);
    bool failed;
    unsigned long frames;
};

int irda_pcap_open(struct irda_pcap *p, int (*write)(void *ctx, const void *buf, size_t len), void *ctx);
/* time_us: microseconds since the epoch (or any origin the embedding picks). */
int irda_pcap_frame(struct irda_pcap *p, uint64_t time_us, bool sent,
                    const uint8_t *frame, size_t len);

#endif
