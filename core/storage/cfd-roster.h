/* cfd-roster.h: the vault's users as the owner signed them, the root of every key and signer check. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

#include "cfd-crypto.h"
#include "cfd-types.h"

G_BEGIN_DECLS

/* A key pair a user had before their current one: signatures made with it
 * stay verifiable, nothing new is sealed to it. */
typedef struct
{
  guint8 box_pk[CFD_BOX_PK_BYTES];
  guint8 sign_pk[CFD_SIGN_PK_BYTES];
  gint64 retired; /* seconds since the epoch: when the next pair replaced it */
} CfdRosterRetiredKey;

typedef struct
{
  char *id;
  char *name;
  CfdRole role;
  guint8 box_pk[CFD_BOX_PK_BYTES];
  guint8 sign_pk[CFD_SIGN_PK_BYTES];
  gint64 added;         /* seconds since the epoch */
  char *added_by;       /* the user id of the owner who signed the entry in */
  GArray *retired_keys; /* CfdRosterRetiredKey, oldest first */
  gint64 removed;       /* 0 while a member; else when the owner removed them */
  char *removed_by;     /* the owner who removed them; NULL while a member */
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
/* For changing an entry before the owner signs the roster again. */
CfdRosterEntry *cfd_roster_find_mutable (CfdRoster *roster, const char *id);

/* A removed user is kept, so that what they signed while a member still
 * verifies, but is no member: nothing is granted to them, nothing they sign
 * now is accepted. */
static inline gboolean
cfd_roster_entry_is_member (const CfdRosterEntry *entry)
{
  return entry->removed == 0;
}

/* The current signing key or a retired one: for verifying a signature made
 * in the past. A check of who may sign now compares the current key only. */
gboolean cfd_roster_entry_knows_sign_pk (const CfdRosterEntry *e,
                                         const guint8 pk[CFD_SIGN_PK_BYTES]);
/* The current pair becomes the newest retired one, replaced at now. */
void cfd_roster_entry_retire_keys (CfdRosterEntry *e,
                                   const guint8 new_box_pk[CFD_BOX_PK_BYTES],
                                   const guint8 new_sign_pk[CFD_SIGN_PK_BYTES],
                                   gint64 now);
void cfd_roster_entry_mark_removed (CfdRosterEntry *e, const char *by, gint64 now);

/* The signed document, always in the newest format (2): seq is raised by
 * one and issued set first. Version 1 documents are still read. */
GBytes *cfd_roster_sign (CfdRoster *roster, gint64 issued, const guint8 sign_sk[CFD_SIGN_SK_BYTES]);

/* Checks the signature against the owner key the reader trusts before
 * reading anything else, then the contents: this vault's id, exactly one
 * owner, and that owner's key the trusted one. */
CfdRoster *cfd_roster_verify (GBytes *document,
                              const char *vault_id,
                              const guint8 owner_sign_pk[CFD_SIGN_PK_BYTES],
                              GError **error);

/* The body without the signature check (either version): for the fuzzer. */
CfdRoster *cfd_roster_parse_body (GBytes *body, GError **error);

G_END_DECLS
