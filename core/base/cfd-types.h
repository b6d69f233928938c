/* cfd-types.h: the small types every layer and the programs share: key sizes, roles, audit records. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

/* Sizes of keys, hashes and signatures (libsodium's), named once. */
#define CFD_KEY_BYTES        32
#define CFD_SALT_BYTES       16
#define CFD_HASH_BYTES       32
#define CFD_BOX_PK_BYTES     32
#define CFD_BOX_SK_BYTES     32
#define CFD_SIGN_PK_BYTES    32
#define CFD_SIGN_SK_BYTES    64
#define CFD_SIGNATURE_BYTES  64
#define CFD_AEAD_NONCE_BYTES 24
#define CFD_AEAD_TAG_BYTES   16
#define CFD_SEALED_KEY_BYTES (CFD_KEY_BYTES + 48)

/* A user's role; stored as text (cfd_role_to_string) in the keyring and the
 * users table. */
typedef enum
{
  CFD_ROLE_OWNER,
  CFD_ROLE_THERAPIST,
  CFD_ROLE_SUPERVISOR,
} CfdRole;

/* A set of roles, for the checks that say who may do something:
 * CFD_ROLES_CLINICIANS rather than (TRUE, TRUE, FALSE). */
typedef enum
{
  CFD_ROLES_OWNER = 1 << CFD_ROLE_OWNER,
  CFD_ROLES_THERAPIST = 1 << CFD_ROLE_THERAPIST,
  CFD_ROLES_SUPERVISOR = 1 << CFD_ROLE_SUPERVISOR,
  /* Those who treat patients: everyone but a supervisor. */
  CFD_ROLES_CLINICIANS = CFD_ROLES_OWNER | CFD_ROLES_THERAPIST,
} CfdRoles;

const char *cfd_role_to_string (CfdRole role);
gboolean cfd_role_from_string (const char *text, CfdRole *role);

typedef enum
{
  CFD_AUDIT_SUCCESS,
  CFD_AUDIT_FAILURE,
  CFD_AUDIT_DENIED,
} CfdAuditOutcome;

const char *cfd_audit_outcome_to_string (CfdAuditOutcome outcome);

typedef struct
{
  gint64 seq;
  gint64 time; /* microseconds since the epoch, UTC */
  const char *actor;
  const char *action;
  const char *object_kind;
  const char *object_id;
  const char *outcome;
  const char *authorization;
  const char *device;
} CfdAuditEntry;

G_END_DECLS
