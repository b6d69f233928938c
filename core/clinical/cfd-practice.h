/* cfd-practice.h: the practice profile: name, address, phone and the clinicians' credentials. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

#include "cfd-vault.h"

G_BEGIN_DECLS

/* The profile is a key file (docs/FORMATS.md, "Practice profile"):
 *
 *   [Practice]
 *   Name=Riverside Ketamine Clinic
 *   Address=12 Elm Street\nSpringfield, IL 62701
 *   Phone=+1 555 0100
 *
 *   [Clinician Dr. Ada Moss]        (a vault user's name)
 *   Credentials=MD, psychiatrist
 *   NPI=1234567893                  (optional)
 *
 * It names the practice on exported records (the PDF's letterhead, the
 * FHIR Organization and Practitioners). */
typedef struct _CfdPractice CfdPractice;

/* An empty profile: no name, no clinicians. */
CfdPractice *cfd_practice_new (void);
/* Parses and checks the key-file text: known groups and keys only, one
 * line each except the address, at most 500 characters a value, a
 * ten-digit NPI. INVALID_INPUT naming what is wrong. */
CfdPractice *cfd_practice_new_from_data (const char *data,
                                         gsize length,
                                         GError **error) G_GNUC_WARN_UNUSED_RESULT;
void cfd_practice_free (CfdPractice *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfdPractice, cfd_practice_free)

/* The key-file text, in the form cfd_practice_new_from_data reads. */
char *cfd_practice_to_data (CfdPractice *self, gsize *length);

const char *cfd_practice_get_name (CfdPractice *self);    /* NULL when unset */
const char *cfd_practice_get_address (CfdPractice *self); /* lines joined by '\n' */
const char *cfd_practice_get_phone (CfdPractice *self);
gboolean cfd_practice_is_empty (CfdPractice *self);
/* Replaces a value; NULL or "" removes it. */
void cfd_practice_set_name (CfdPractice *self, const char *name);
void cfd_practice_set_address (CfdPractice *self, const char *address);
void cfd_practice_set_phone (CfdPractice *self, const char *phone);

/* The clinicians the profile names, by user name, in file order. */
char **cfd_practice_list_clinicians (CfdPractice *self);
/* A clinician's credentials ("MD, psychiatrist") and NPI, or NULL. */
const char *cfd_practice_get_credentials (CfdPractice *self, const char *user_name);
const char *cfd_practice_get_npi (CfdPractice *self, const char *user_name);

/* The vault's profile (an empty one when none was set). */
CfdPractice *cfd_vault_get_practice (CfdVault *vault, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Owner only: stores the profile, recorded in the audit log as
 * settings.change of "practice" in the same transaction. Every clinician
 * must be the name of a user of the vault (INVALID_INPUT otherwise). */
gboolean cfd_vault_set_practice (CfdVault *vault,
                                 CfdPractice *practice,
                                 GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
