/*
 * headers_check.c - cews2.h and <af_irda.h> together, in either order
 * (AF_IRDA_FIRST), as C or C++, must compile warning-free, and the CE 5.0
 * values in cews2_ce.h and mingw-w64's af_irda.h must be CE 5.0's.
 * Compile-only; run by wine-tests/sdk_headers.sh.
 */
#ifdef AF_IRDA_FIRST
#include <winsock2.h>
#include <af_irda.h>
#include <cews2.h>
#else
#include <cews2.h>
#include <af_irda.h>
#endif

#ifdef __cplusplus
#define CHECK(expr, value) static_assert((expr) == (value), #expr)
#else
#define CHECK(expr, value) _Static_assert((expr) == (value), #expr)
#endif

/* CE 5.0 af_irda.h */
CHECK(AF_IRDA, 26);
CHECK(SOL_IRLMP, 0xFF);
CHECK(IRLMP_ENUMDEVICES, 0x10);
CHECK(IRLMP_IAS_SET, 0x11);
CHECK(IRLMP_IAS_QUERY, 0x12);
CHECK(IRLMP_SEND_PDU_LEN, 0x13);
CHECK(IRLMP_EXCLUSIVE_MODE, 0x14);
CHECK(IRLMP_IRLPT_MODE, 0x15);
CHECK(IRLMP_9WIRE_MODE, 0x16);
CHECK(IRLMP_TINYTP_MODE, 0x17);
CHECK(IRLMP_PARAMETERS, 0x18);
CHECK(IRLMP_DISCOVERY_MODE, 0x19);
CHECK(IRLMP_SHARP_MODE, 0x20);
CHECK(IRLMP_LAZY_DISCOVERY, 0x30);
CHECK(IAS_ATTRIB_NO_CLASS, 0x10);
CHECK(IAS_ATTRIB_NO_ATTRIB, 0);
CHECK(IAS_ATTRIB_INT, 1);
CHECK(IAS_ATTRIB_OCTETSEQ, 2);
CHECK(IAS_ATTRIB_STR, 3);
CHECK(IAS_MAX_USER_STRING, 256);
CHECK(IAS_MAX_OCTET_STRING, 1024);
CHECK(IAS_MAX_CLASSNAME, 64);
CHECK(IAS_MAX_ATTRIBNAME, 256);
CHECK(IRDA_MAX_SERVICE_NAME, 25);
CHECK(IRDA_MAX_DEVICE_NAME, 22);
CHECK(sizeof(((SOCKADDR_IRDA *)0)->irdaServiceName), IRDA_MAX_SERVICE_NAME);
CHECK(sizeof(((IRDA_DEVICE_INFO *)0)->irdaDeviceName), IRDA_MAX_DEVICE_NAME);
CHECK(sizeof(IRDA_DEVICE_INFO), 4 + IRDA_MAX_DEVICE_NAME + 3);   /* hints + charset */
/* CE 5.0 winsock2.h */
CHECK(WSAEDUPLICATE_NAME, 10900);
CHECK(WSAEDUPLICATE_NAME, WSABASEERR + 900);
/* ce-winsock's own */
CHECK(SO_CEWS_LINGER_NOTE, 0x7C45);
/* the registry keys compose, as C and C++, with gcc's and MSVC's
 * predefined macros (lengths of the wide literals, NUL included; the
 * per-user root's architecture is 3 letters: x64, x86) */
CHECK(sizeof(CEWS2_LSP_KEY), sizeof(L"Software\\ce-winsock\\Comm\\WS2\\LSP"));
CHECK(sizeof(CEWS2_USER_LSP_KEY), sizeof(L"Software\\ce-winsock\\x64\\Comm\\WS2\\LSP"));

int headers_check(void);
int headers_check(void)
{
    SOCKADDR_IRDA sa;
    sa.irdaAddressFamily = AF_IRDA;
    return sa.irdaAddressFamily == AF_IRDA ? 0 : 1;
}
