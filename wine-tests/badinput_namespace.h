/*
 * badinput_namespace.h - test_badinput's calls for the namespace catalog's
 * exports (WSAEnumNameSpaceProviders*, WSALookupService*, WSASetService*,
 * WSC*NameSpace, WSCEnableNSProvider): each makes one bad call and returns its result,
 * with the error left in WSAGetLastError.
 */
#ifndef BADINPUT_NAMESPACE_H
#define BADINPUT_NAMESPACE_H

long long b_enumns_nulllen(void);
long long b_enumns_nullbuf(void);
long long b_enumnsa_nulllen(void);
long long b_lookupbegin_null(void);
long long b_lookupbegin_size0(void);
long long b_lookupbegin_class(void);
long long b_lookupbegina_nullhandle(void);
long long b_lookupnext_made_up(void);
long long b_lookupnext_nulllen(void);
long long b_lookupnexta_made_up(void);
long long b_lookupend_null(void);
long long b_setservice_null(void);
long long b_setservice_size0(void);
long long b_setservice_op(void);
long long b_setservice_flags(void);
long long b_setservice_space(void);
long long b_setservice_provider(void);
long long b_setservicea_null(void);
long long b_setservicea_size0(void);
long long b_nsinstall_nullid(void);
long long b_nsuninstall_unknown(void);
long long b_nsenable_unknown(void);

#endif
