/*
 * airkey.h - the air's owner secret: a random key the hub creates with
 * itself, in a file only its user can read, and the keyed answer
 * (HMAC-SHA-256) a client gives to the hub's challenge to prove it read
 * the file.  See airproto.h (CHALLENGE/AUTH) and README.md.
 */
#ifndef IRDA_MEDIUM_AIRKEY_H
#define IRDA_MEDIUM_AIRKEY_H

#include <windows.h>
#include <stdint.h>
#include <stddef.h>

#define AIR_KEY_LEN    32
#define AIR_NONCE_LEN  32
#define AIR_MAC_LEN    32

/* SHA-256 and HMAC-SHA-256 (FIPS 180-4, RFC 2104). */
void air_sha256(const uint8_t *p, size_t len, uint8_t out[32]);
void air_hmac_sha256(const uint8_t *key, size_t klen, const uint8_t *msg, size_t mlen, uint8_t out[32]);

/* Cryptographic random bytes (RtlGenRandom); 0 or a Win32 error. */
DWORD air_random(uint8_t *p, size_t len);

/* %LOCALAPPDATA%\ce-winsock\irair-<port>.key (else under %USERPROFILE%). */
int   air_key_path(unsigned short port, WCHAR *out, size_t n);
/* Hub: a new key, written to a temporary file readable only by this user
 * and moved over the old one (a stale file of a dead hub is replaced
 * whole, never read half-written).  0 or a Win32 error. */
DWORD air_key_create(unsigned short port, uint8_t key[AIR_KEY_LEN]);
/* Clients: the current hub's key; 0 or a Win32 error. */
DWORD air_key_read(unsigned short port, uint8_t key[AIR_KEY_LEN]);
/* Hub at exit (before it lets the port go). */
void  air_key_remove(unsigned short port);

/* The AUTH answer to a CHALLENGE nonce: HMAC-SHA-256(key, "irair auth" | nonce). */
void  air_auth_answer(const uint8_t key[AIR_KEY_LEN], const uint8_t nonce[AIR_NONCE_LEN],
                      uint8_t out[AIR_MAC_LEN]);
/* A client's reply to the hub's CHALLENGE payload (chal, len): the whole
 * AUTH message (header included, AIR_HDR + AIR_AUTH_LEN bytes) from the
 * key file of port.  0, ERROR_INVALID_DATA (not an 'IrA2' challenge) or the
 * error reading the key. */
DWORD air_auth_reply(unsigned short port, const uint8_t *chal, size_t len, uint8_t *msg);
/* Constant time: 1 when equal. */
int   air_mac_equal(const uint8_t *a, const uint8_t *b, size_t n);

#endif
