/*
 * hub_client.c - a raw client of the air hub past its owner check
 * (hub_client.h).
 */
#include "hub_client.h"
#include "airkey.h"
#include "airproto.h"

#include <string.h>

/* The AUTH message for CHALLENGE chal as key says (not HUB_KEY_NONE);
 * 0, or the key file's error. */
static int auth_for(unsigned short port, enum hub_client_key key, unsigned wrong_bit,
                    const uint8_t chal[AIR_CHALLENGE_LEN], uint8_t auth[AIR_HDR + AIR_AUTH_LEN])
{
    uint8_t k[AIR_KEY_LEN];

    if (key == HUB_KEY_OWNER)
        return (int)air_auth_reply(port, chal, AIR_CHALLENGE_LEN, auth);
    if (air_key_read(port, k))
        return -1;
    wrong_bit %= AIR_KEY_LEN * 8;
    k[wrong_bit / 8] ^= (uint8_t)(1u << (wrong_bit % 8));
    air_header(auth, AIR_AUTH, AIR_AUTH_LEN);
    air_put32(auth + AIR_HDR, AIR_MAGIC);
    /* the answer to the nonce, which follows the challenge's magic */
    air_auth_answer(k, chal + 4, auth + AIR_HDR + 4);
    SecureZeroMemory(k, sizeof(k));
    return 0;
}

SOCKET hub_client_open(unsigned short port, enum hub_client_key key, unsigned wrong_bit,
                       DWORD timeout_ms)
{
    struct sockaddr_in at = tu_loopback4(port);
    uint8_t chal[AIR_HDR + AIR_CHALLENGE_LEN], auth[AIR_HDR + AIR_AUTH_LEN];
    SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);

    if (s == INVALID_SOCKET)
        return s;
    if (connect(s, (struct sockaddr *)&at, sizeof(at)))
        goto fail;
    tu_set_timeouts(s, timeout_ms);
    if (tu_recv_all(s, chal, sizeof(chal)) || chal[0] != AIR_CHALLENGE)
        goto fail;
    if (key != HUB_KEY_NONE &&
        (auth_for(port, key, wrong_bit, chal + AIR_HDR, auth) || tu_send_all(s, auth, sizeof(auth))))
        goto fail;
    return s;
fail:
    closesocket(s);
    return INVALID_SOCKET;
}
