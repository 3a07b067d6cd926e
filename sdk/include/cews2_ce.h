/*
 * cews2_ce.h - Windows CE 5.0 definitions that mingw-w64's headers lack.
 *
 * Included by cews2.h (include that one).  It pulls in <af_irda.h> and then
 * adds, each under #ifndef so the order of includes never matters, what CE
 * 5.0's winsock2.h / af_irda.h have and mingw-w64's do not.  Values were
 * checked against CE 5.0's af_irda.h and winsock2.h; every one that is not
 * in the desktop SDK says so.
 *
 * Already in mingw-w64 with the CE 5.0 values, so not repeated here:
 *   SOL_IRLMP 0xFF; IRLMP_ENUMDEVICES 0x10, IRLMP_IAS_SET 0x11,
 *   IRLMP_IAS_QUERY 0x12, IRLMP_SEND_PDU_LEN 0x13, IRLMP_EXCLUSIVE_MODE 0x14,
 *   IRLMP_IRLPT_MODE 0x15, IRLMP_9WIRE_MODE 0x16, IRLMP_TINYTP_MODE 0x17,
 *   IRLMP_PARAMETERS 0x18, IRLMP_DISCOVERY_MODE 0x19, IRLMP_SHARP_MODE 0x20;
 *   IAS_ATTRIB_*, IAS_MAX_*; SOCKADDR_IRDA, IRDA_DEVICE_INFO, DEVICELIST,
 *   IAS_SET, IAS_QUERY (CE 5.0 uses the desktop layouts).
 * Two mingw-w64 names are NOT CE 5.0: WCE_AF_IRDA (22) and the WCE_*
 * IrDA structures are an older CE's.  CE 5.0's af_irda.h defines AF_IRDA
 * as 26, like the desktop, and IRDA_DEVICE_INFO with hint bytes and a
 * character set, like the desktop.
 * (wine-tests/sdk_headers.sh checks every value named in this comment.)
 */
#ifndef CEWS2_CE_H
#define CEWS2_CE_H

#include <winsock2.h>
#include <af_irda.h>

/* IRLMP_LAZY_DISCOVERY (SOL_IRLMP option): CE only.  The desktop SDK has no
 * such option; it offers the ioctl SIO_LAZY_DISCOVERY instead. */
#ifndef IRLMP_LAZY_DISCOVERY
#define IRLMP_LAZY_DISCOVERY   0x00000030
#endif

/* Sizes of SOCKADDR_IRDA.irdaServiceName and IRDA_DEVICE_INFO.irdaDeviceName.
 * CE names them; the desktop SDK writes the same numbers as literals. */
#ifndef IRDA_MAX_SERVICE_NAME
#define IRDA_MAX_SERVICE_NAME  25
#endif
#ifndef IRDA_MAX_DEVICE_NAME
#define IRDA_MAX_DEVICE_NAME   22
#endif

/* WSAEDUPLICATE_NAME (WSABASEERR + 900), "duplicate name": CE only; the
 * desktop SDK has no such code. */
#ifndef WSAEDUPLICATE_NAME
#define WSAEDUPLICATE_NAME     10900
#endif

#endif /* CEWS2_CE_H */
