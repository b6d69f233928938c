/* cfd-card-statement.h: a supervisor known by card only, vouched for by the owner or a therapist of the signed roster. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

#include "cfd-crypto.h"
#include "cfd-roster.h"

G_BEGIN_DECLS

typedef struct
{
  char *vault_id;      /* the vault the statement is for, not the card's own vault */
  char *supervisor_id; /* the user id on the card */
  char *name;
  guint8 box_pk[CFD_BOX_PK_BYTES];
  guint8 sign_pk[CFD_SIGN_PK_BYTES];
  char *fingerprint; /* as shown when the card was imported and compared aloud */
  gint64 imported;   /* seconds since the epoch */
  char *imported_by; /* the owner or therapist who signed the statement */
} CfdCardStatement;

void cfd_card_statement_free (CfdCardStatement *statement);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfdCardStatement, cfd_card_statement_free)

/* The signed document (docs/FORMATS.md, "Card supervisor statement"). */
GBytes *cfd_card_statement_sign (const CfdCardStatement *statement,
                                 const guint8 sign_sk[CFD_SIGN_SK_BYTES]);

/* Valid only for this vault, and only if its signer is an owner or a
 * therapist in the verified roster (the delegation), whose key signed it;
 * a supervisor the roster already holds cannot be shadowed by a card. */
CfdCardStatement *cfd_card_statement_verify (GBytes *document,
                                             const char *vault_id,
                                             const CfdRoster *roster,
                                             GError **error);

/* The body without the signature check: for the fuzzer. */
CfdCardStatement *cfd_card_statement_parse_body (GBytes *body, GError **error);

G_END_DECLS
