/* pcap.c - LINKTYPE_LINUX_IRDA capture writer (see pcap.h). */
#include <string.h>
#include "pcap.h"

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }    /* host order */
static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }

static int out(struct irda_pcap *p, const void *b, size_t n)
{
    if (p->failed || !p->write)
        return IRDA_ERR_STATE;
    if (p->write(p->ctx, b, n) != 0) {
        p->failed = true;
        return IRDA_ERR_STATE;
    }
    return IRDA_OK;
}

int irda_pcap_open(struct irda_pcap *p, int (*write)(void *ctx, const void *buf, size_t len), void *ctx)
{
    memset(p, 0, sizeof *p);
    p->write = write;
    p->ctx = ctx;
    uint8_t h[24];
    put32(h, 0xA1B2C3D4u);
    put16(h + 4, 2);
    put16(h + 6, 4);
    put32(h + 8, 0);                        /* thiszone */
    put32(h + 12, 0);                       /* sigfigs */
    put32(h + 16, IRDA_PCAP_SNAPLEN);
    put32(h + 20, IRDA_PCAP_LINKTYPE);
    return out(p, h, sizeof h);
}

int irda_pcap_frame(struct irda_pcap *p, uint64_t time_us, bool sent,
                    const uint8_t *frame, size_t len)
{
    uint8_t h[16 + IRDA_PCAP_PSEUDO_LEN];
    size_t orig = IRDA_PCAP_PSEUDO_LEN + len;
    size_t incl = orig > IRDA_PCAP_SNAPLEN ? IRDA_PCAP_SNAPLEN : orig;
    put32(h, (uint32_t)(time_us / 1000000u));
    put32(h + 4, (uint32_t)(time_us % 1000000u));
    put32(h + 8, (uint32_t)incl);
    put32(h + 12, (uint32_t)orig);
    uint8_t *ph = h + 16;
    memset(ph, 0, IRDA_PCAP_PSEUDO_LEN);
    irda_put_be16(ph, sent ? IRDA_PCAP_DIR_TX : IRDA_PCAP_DIR_RX);
    irda_put_be16(ph + 14, 0x0017);
    int rc = out(p, h, sizeof h);
    if (rc == IRDA_OK && incl > IRDA_PCAP_PSEUDO_LEN)
        rc = out(p, frame, incl - IRDA_PCAP_PSEUDO_LEN);
    if (rc == IRDA_OK)
        p->frames++;
    return rc;
}
