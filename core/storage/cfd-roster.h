/* cfd-roster.h: the vault's users as the owner signed them, the root of every key and signer check. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

#include "cfd-crypto.h"
#include "cfd-types.h"

G_BEGIN_DECLS

typedef struct
{
  char *id;
  char *name;
  CfdRole role;
  guint8 box_pk[CFD_BOX_PK_BYTES];
  guint8 sign_pk[CFD_SIGN_PK_BYTES];
  gint64 added;   /* seconds since the epoch */
  char *added_by; /* the user id of the owner who signed the entry in */
} CfdRosterEntry;

typedef struct
{
  char *vault_id;
  guint64 seq; /* one more at every signing, so an older roster is told apart */
  gint64 issued;
  GPtrArray *entries; /* CfdRosterEntry */
  /* BLAKE2b-256 of the signed document, set by cfd_roster_verify: what each
   * user keeps in their trust state beside seq. */
  guint8 document_hash[CFD_HASH_BYTES];
} CfdRoster;

CfdRoster *cfd_roster_new (const char *vault_id);
void cfd_roster_free (CfdRoster *roster);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfdRoster, cfd_roster_free)

CfdRosterEntry *cfd_roster_add (CfdRoster *roster,
                                const char *id,
                                const char *name,
                                CfdRole role,
                                const guint8 box_pk[CFD_BOX_PK_BYTES],
                                const guint8 sign_pk[CFD_SIGN_PK_BYTES],
                                gint64 added,
                                const char *added_by);
const CfdRosterEntry *cfd_roster_find (const CfdRoster *roster, const char *id);

/* The signed document: seq is raised by one and issued set first. */
GBytes *cfd_roster_sign (CfdRoster *roster, gint64 issued, const guint8 sign_sk[CFD_SIGN_SK_BYTES]);

/* Checks the signature against the owner key the reader trusts before
 * reading anything else, then the contents: this vault's id, exactly one
 * owner, and that owner's key the trusted one. */
CfdRoster *cfd_roster_verify (GBytes *document,
                              const char *vault_id,
                              const guint8 owner_sign_pk[CFD_SIGN_PK_BYTES],
                              GError **error);

/* The body without the signature check: for the fuzzer. */
CfdRoster *cfd_roster_parse_body (GBytes *body, GError **error);

G_END_DECLS
