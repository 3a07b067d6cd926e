/*
 * badinput_irda.c - test_badinput's AF_IRDA rows (badinput_irda.h): each a
 * call on the fixture's AF_IRDA socket with one thing wrong, mostly a
 * malformed SOCKADDR_IRDA.  The test skips them when no AF_IRDA socket
 * could be made (irdaprov not registered).
 */
#include "badinput_fixture.h"
#include "badinput_irda.h"

#include <string.h>

/* AF_IRDA: SOCKADDR_IRDA is { family, 4-byte device id, 25-char service name } */
static SOCKADDR_IRDA irda_name(const char *service)
{
    SOCKADDR_IRDA a;
    memset(&a, 0, sizeof(a));
    a.irdaAddressFamily = AF_IRDA;
    memcpy(a.irdaServiceName, service, strlen(service) < 25 ? strlen(service) + 1 : 25);
    return a;
}
long long b_irda_bind_short(void) { SOCKADDR_IRDA a = irda_name("CeBad"); return bind(fx.irda, (struct sockaddr *)&a, sizeof(a) - 1); }
long long b_irda_bind_null(void) { return bind(fx.irda, NULL, sizeof(SOCKADDR_IRDA)); }
long long b_irda_bind_family(void) { SOCKADDR_IRDA a = irda_name("CeBad"); a.irdaAddressFamily = AF_INET; return bind(fx.irda, (struct sockaddr *)&a, sizeof(a)); }
long long b_irda_bind_unterminated(void) { SOCKADDR_IRDA a = irda_name("0123456789012345678901234567"); return bind(fx.irda, (struct sockaddr *)&a, sizeof(a)); }
long long b_irda_bind_empty(void) { SOCKADDR_IRDA a = irda_name(""); return bind(fx.irda, (struct sockaddr *)&a, sizeof(a)); }
long long b_irda_bind_lsap(void) { SOCKADDR_IRDA a = irda_name("LSAP-SEL200"); return bind(fx.irda, (struct sockaddr *)&a, sizeof(a)); }
long long b_irda_connect_short(void) { SOCKADDR_IRDA a = irda_name("CeBad"); return connect(fx.irda, (struct sockaddr *)&a, 8); }
long long b_irda_connect_family(void) { SOCKADDR_IRDA a = irda_name("CeBad"); a.irdaAddressFamily = 0x7777; return connect(fx.irda, (struct sockaddr *)&a, sizeof(a)); }
long long b_irda_connect_unterminated(void) { SOCKADDR_IRDA a = irda_name("0123456789012345678901234567"); return connect(fx.irda, (struct sockaddr *)&a, sizeof(a)); }
long long b_irda_enum_short(void) { char d[4]; int l = 2; return getsockopt(fx.irda, SOL_IRLMP, IRLMP_ENUMDEVICES, d, &l); }
long long b_irda_ias_set_short(void) { char d[8] = { 0 }; return setsockopt(fx.irda, SOL_IRLMP, IRLMP_IAS_SET, d, 4); }
long long b_irda_unknown_opt(void) { int v, l = sizeof(v); return getsockopt(fx.irda, SOL_IRLMP, 0x99, (char *)&v, &l); }
long long b_irda_getsockname_unbound(void) { SOCKADDR_IRDA a; int l = sizeof(a); return getsockname(fx.irda, (struct sockaddr *)&a, &l); }
