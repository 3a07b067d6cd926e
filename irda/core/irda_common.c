/* irda_common.c - shared helpers of the portable IrDA core. */
#include "irda_common.h"

const char *irda_strerror(int err)
{
    switch (err) {
    case IRDA_OK:            return "ok";
    case IRDA_ERR_SHORT:     return "truncated input";
    case IRDA_ERR_FORMAT:    return "malformed input";
    case IRDA_ERR_RANGE:     return "value out of range";
    case IRDA_ERR_NOSPACE:   return "no space";
    case IRDA_ERR_STATE:     return "invalid in this state";
    case IRDA_ERR_BUSY:      return "busy";
    case IRDA_ERR_NOTFOUND:  return "not found";
    case IRDA_ERR_INUSE:     return "in use";
    case IRDA_ERR_AGAIN:     return "try again";
    case IRDA_ERR_UNSUPP:    return "unsupported";
    case IRDA_ERR_NEGOTIATE: return "negotiation failed";
    case IRDA_ERR_EXCLUSIVE: return "link held in exclusive mode";
    default:                 return err >= 0 ? "ok" : "unknown error";
    }
}
