/* cfd-patient.h: patients: their identifying details, sealed under each patient's own key. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "cfd-vault.h"

G_BEGIN_DECLS

/* Keys of the a{sv} dictionary that holds a patient's details; all strings
 * except risk-flag (b), which core maintains from measures and assessments. */
#define CFD_PATIENT_NAME              "name"
#define CFD_PATIENT_BIRTH_DATE        "birth-date"
#define CFD_PATIENT_PRONOUNS          "pronouns"
#define CFD_PATIENT_CONTACT           "contact"
#define CFD_PATIENT_EMERGENCY_CONTACT "emergency-contact"
#define CFD_PATIENT_NOTES             "notes"
#define CFD_PATIENT_RISK_FLAG         "risk-flag"
/* Demographics (docs/CLINICAL.md, "Demographics"); the full name above
 * stays the name shown, and is kept as written when these are set. */
#define CFD_PATIENT_GIVEN_NAME         "given-name"
#define CFD_PATIENT_FAMILY_NAME        "family-name"
#define CFD_PATIENT_SEX                "sex" /* female, male, other, unknown */
#define CFD_PATIENT_MRN                "mrn"
#define CFD_PATIENT_ADDRESS            "address"
#define CFD_PATIENT_PRIMARY_CARE       "primary-care"
#define CFD_PATIENT_REFERRING_PROVIDER "referring-provider"

#define CFD_TYPE_PATIENT (cfd_patient_get_type ())
G_DECLARE_FINAL_TYPE (CfdPatient, cfd_patient, CFD, PATIENT, GObject)

/* Decrypted details are held only here, not in GObject properties, and are
 * wiped when the object is finalized; views drop them when the vault locks. */
const char *cfd_patient_get_id (CfdPatient *self);
const char *cfd_patient_get_name (CfdPatient *self);
const char *cfd_patient_get_detail (CfdPatient *self, const char *key);
GVariant *cfd_patient_get_details (CfdPatient *self);
gboolean cfd_patient_get_risk_flag (CfdPatient *self);
/* The sex recorded (female, male, other, unknown), NULL when not asked. */
const char *cfd_patient_get_sex (CfdPatient *self);
/* The given and family names: as recorded, or, for a patient recorded
 * with a full name only, split from it (cfd_patient_split_name). The
 * caller wipes and frees them (cfd_wipe_string). */
char *cfd_patient_dup_given_name (CfdPatient *self);
char *cfd_patient_dup_family_name (CfdPatient *self);
/* "Family, Given" splits at the comma; otherwise the last word is the
 * family name and the rest the given names; one word is a given name. */
void cfd_patient_split_name (const char *name, char **given, char **family);
gboolean cfd_patient_get_archived (CfdPatient *self);
gint64 cfd_patient_get_created (CfdPatient *self);
gint64 cfd_patient_get_retention_until (CfdPatient *self);
guint cfd_patient_get_key_version (CfdPatient *self);

/* Checks a details dictionary: known keys, string values, a name, a valid
 * YYYY-MM-DD birth date. */
gboolean cfd_patient_details_validate (GVariant *details, GError **error);

char *cfd_vault_add_patient (CfdVault *vault,
                             GVariant *details,
                             GError **error) G_GNUC_WARN_UNUSED_RESULT;
GListModel *cfd_vault_list_patients (CfdVault *vault,
                                     gboolean include_archived,
                                     GError **error) G_GNUC_WARN_UNUSED_RESULT;
CfdPatient *cfd_vault_get_patient (CfdVault *vault,
                                   const char *patient_id,
                                   GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Replaces the given keys; a key with an empty string removes it. */
gboolean cfd_vault_update_patient (CfdVault *vault,
                                   const char *patient_id,
                                   GVariant *details,
                                   GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean cfd_vault_set_patient_archived (CfdVault *vault,
                                         const char *patient_id,
                                         gboolean archived,
                                         GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* A date set by hand (seconds since the epoch; 0 clears it). It can only
 * extend what the practice's retention rule gives, never shorten it. */
gboolean cfd_vault_set_patient_retention (CfdVault *vault,
                                          const char *patient_id,
                                          gint64 retain_until,
                                          GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Owner only; confirm_name must equal the patient's name. Destroys every
 * grant of the patient key and removes the rows (crypto-shredding), and
 * leaves a signed disposition entry (cfd-retention.h). Refused while the
 * retention date (cfd_vault_get_patient_retention) is in the future or
 * unknown. */
gboolean cfd_vault_delete_patient (CfdVault *vault,
                                   const char *patient_id,
                                   const char *confirm_name,
                                   GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The same while the retention date is in the future or unknown: owner
 * only, with a reason written by the owner (no patient data: it stays in
 * the disposition entry), audited as patient.delete-override. */
gboolean cfd_vault_delete_patient_overriding_retention (CfdVault *vault,
                                                        const char *patient_id,
                                                        const char *confirm_name,
                                                        const char *reason,
                                                        GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
