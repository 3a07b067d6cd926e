/*
 * ias.h - Information Access Service (IrLMP 1.1 section 4): the object
 * database, the IAP GetValueByClass operation (codec, server, client), and
 * IAP segmentation (Lst / Ack bits).
 *
 * IAP frame control byte: bit 7 Lst (last frame), bit 6 Ack, bits 0-5 opcode.
 * GetValueByClass (opcode 0x04, sent as 0x84):
 *   request  = 0x84 | class length | class | attribute length | attribute
 *   response = 0x84 | return code | [list length (16, BE) | { object id (16, BE) |
 *              value } ...], value = type 0 (missing) | 1 integer (32, BE) |
 *              2 octet sequence (length 16 BE, bytes) | 3 user string
 *              (charset, length 8, bytes)
 *   return code 0 success, 1 no such class, 2 no such attribute, 0xFF unsupported.
 * Lower interface: an IrLMP LSAP (LSAP 0x00 for the server).
 */
#ifndef IRDA_IAS_H
#define IRDA_IAS_H

#include "irlmp.h"

#define IAS_MAX_NAME     60
#define IAS_MAX_OCTETS   1024
#define IAS_MAX_STRING   255
#define IAS_MAX_OBJECTS  16
#define IAS_MAX_ATTRS    6
#define IAS_MAX_RESULTS  4      /* values kept from one GetValueByClass answer */

#define IAP_LST          0x80
#define IAP_ACK          0x40
#define IAP_OPCODE_MASK  0x3F
#define IAP_GET_VALUE_BY_CLASS 0x04

enum ias_rc { IAS_SUCCESS = 0, IAS_NO_SUCH_CLASS = 1, IAS_NO_SUCH_ATTRIBUTE = 2, IAS_UNSUPPORTED = 0xFF };
enum ias_type { IAS_MISSING = 0, IAS_INTEGER = 1, IAS_OCTETS = 2, IAS_STRING = 3 };

struct ias_value {
    enum ias_type type;
    int32_t integer;
    uint8_t charset;          /* user string */
    uint16_t len;             /* octets / string */
    uint8_t data[IAS_MAX_OCTETS];
};

struct ias_attr {
    bool used;
    char name[IAS_MAX_NAME + 1];
    struct ias_value value;
};

struct ias_object {
    bool used;
    uint16_t id;
    char class_name[IAS_MAX_NAME + 1];
    struct ias_attr attrs[IAS_MAX_ATTRS];
};

struct ias_db {
    uint16_t next_id;
    struct ias_object objs[IAS_MAX_OBJECTS];
};

/* Creates the "Device" object (id 0) with DeviceName and IrLMPSupport (IrLMP 1.1 4.x). */
void ias_db_init(struct ias_db *db, const char *nick, size_t nick_len, uint8_t charset);
/* Adds or replaces class.attribute; creates the object when needed. */
int ias_db_set(struct ias_db *db, const char *cls, const char *attr, const struct ias_value *v);
int ias_db_remove(struct ias_db *db, const char *cls, const char *attr);   /* attr NULL: whole object */
const struct ias_object *ias_db_find(const struct ias_db *db, const char *cls);

struct ias_result {
    enum ias_rc rc;
    unsigned count;                   /* values in the list (all of them) */
    uint16_t obj_id[IAS_MAX_RESULTS];
    struct ias_value values[IAS_MAX_RESULTS];
};

/* Codecs. Names are counted strings (not NUL terminated on the wire). */
int ias_gvbc_request_encode(uint8_t *out, size_t cap, const char *cls, const char *attr);
int ias_gvbc_request_decode(const uint8_t *b, size_t len, char cls[IAS_MAX_NAME + 1],
                            char attr[IAS_MAX_NAME + 1]);
/* Response body after the control byte: rc [list]. */
int ias_gvbc_response_decode(const uint8_t *b, size_t len, struct ias_result *r);
/* Server logic: a whole (reassembled) request in, a whole response out. */
int ias_server_answer(const struct ias_db *db, const uint8_t *req, size_t len,
                      uint8_t *out, size_t cap);

/* ---- IAP segmentation: one direction of a conversation ---- */
#define IAP_BUF_MAX 4096   /* longer answers are cut at a whole list entry */
struct iap_msg {
    uint8_t op;                       /* opcode */
    size_t len, off;                  /* body to send / received so far */
    uint8_t buf[IAP_BUF_MAX];
};

/* ---- server: listens on LSAP 0x00 ---- */
#define IAS_SERVER_CONNS 4
struct ias_server_conn {
    struct irlmp_lsap *lsap;
    struct iap_msg rx, tx;
};
struct ias_server {
    struct ias_db *db;
    struct irlmp_lsap *listener;
    struct ias_server_conn conns[IAS_SERVER_CONNS];
};
int ias_server_start(struct ias_server *srv, struct ias_db *db, struct irlmp *lmp);

/* ---- client: one GetValueByClass at a time ---- */
enum ias_client_state { IAS_C_IDLE, IAS_C_CONNECTING, IAS_C_WAITING };
typedef void (*ias_result_cb)(void *ctx, int status, const struct ias_result *r);
struct ias_client {
    enum ias_client_state state;
    struct irlmp *lmp;
    struct irlmp_lsap *lsap;
    struct irda_timer_ops timers;
    uint32_t timeout_ms;
    ias_result_cb cb;
    void *cb_ctx;
    struct iap_msg rx, tx;
};
void ias_client_init(struct ias_client *c, struct irlmp *lmp, const struct irda_timer_ops *timers);
/* Starts a query; cb(ctx, IRDA_OK, result) or cb(ctx, negative error, NULL) follows. */
int ias_client_query(struct ias_client *c, uint32_t daddr, const char *cls, const char *attr,
                     ias_result_cb cb, void *ctx);
void ias_client_timer_expired(struct ias_client *c, unsigned id);
void ias_client_abort(struct ias_client *c);

#endif
