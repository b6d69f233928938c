/* cfd-consent.c: consent records: what a supervisor may see of a patient, until when. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include <glib/gi18n.h>

#include "cfd-consent-private.h"
#include "cfd-scoped-key.h"
#include "cfd-date.h"
#include "cfd-patient-key.h"

#define TERMS_TYPE G_VARIANT_TYPE_VARDICT

struct _CfdConsent
{
  GObject parent_instance;

  char *id;
  char *patient_id;
  char *supervisor_id;
  char *granted_by;
  gint64 created;
  gint64 expires;
  gint64 revoked_at;            /* from the signed revocation, else 0 */
  gboolean revocation_doubtful; /* revoked without a valid signature, or its row cleared */
  GVariant *terms; /* sealed content: scope, from, to, purpose, obtained, method, expires */
};

G_DEFINE_FINAL_TYPE (CfdConsent, cfd_consent, G_TYPE_OBJECT)

static const char *const scope_names[] = { "all", "medical", "psychotherapy" };

const char *
cfd_consent_scope_to_string (CfdConsentScope scope)
{
  g_return_val_if_fail (scope <= CFD_CONSENT_SCOPE_PSYCHOTHERAPY, "medical");
  return scope_names[scope];
}

gboolean
cfd_consent_scope_from_string (const char *text, CfdConsentScope *scope)
{
  for (guint i = 0; i < G_N_ELEMENTS (scope_names); i++)
    if (g_strcmp0 (text, scope_names[i]) == 0)
      {
        *scope = (CfdConsentScope)i;
        return TRUE;
      }
  return FALSE;
}

static void
cfd_consent_finalize (GObject *object)
{
  CfdConsent *self = CFD_CONSENT (object);

  g_free (self->id);
  g_free (self->patient_id);
  g_free (self->supervisor_id);
  g_free (self->granted_by);
  g_clear_pointer (&self->terms, g_variant_unref);
  G_OBJECT_CLASS (cfd_consent_parent_class)->finalize (object);
}

static void
cfd_consent_class_init (CfdConsentClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cfd_consent_finalize;
}

static void
cfd_consent_init (CfdConsent *self)
{
}

const char *
cfd_consent_get_id (CfdConsent *self)
{
  return self->id;
}

const char *
cfd_consent_get_patient_id (CfdConsent *self)
{
  return self->patient_id;
}

const char *
cfd_consent_get_supervisor_id (CfdConsent *self)
{
  return self->supervisor_id;
}

const char *
cfd_consent_get_granted_by (CfdConsent *self)
{
  return self->granted_by;
}

static const char *
terms_string (CfdConsent *self, const char *key)
{
  const char *value = "";

  g_variant_lookup (self->terms, key, "&s", &value);
  return value;
}

static gint64
terms_time (CfdConsent *self, const char *key)
{
  gint64 value = 0;

  g_variant_lookup (self->terms, key, "x", &value);
  return value;
}

CfdConsentScope
cfd_consent_get_scope (CfdConsent *self)
{
  CfdConsentScope scope = CFD_CONSENT_SCOPE_MEDICAL;

  cfd_consent_scope_from_string (terms_string (self, "scope"), &scope);
  return scope;
}

gint64
cfd_consent_get_records_from (CfdConsent *self)
{
  return terms_time (self, "records-from");
}

gint64
cfd_consent_get_records_to (CfdConsent *self)
{
  return terms_time (self, "records-to");
}

const char *
cfd_consent_get_purpose (CfdConsent *self)
{
  return terms_string (self, "purpose");
}

const char *
cfd_consent_get_obtained_on (CfdConsent *self)
{
  return terms_string (self, "obtained-on");
}

const char *
cfd_consent_get_method (CfdConsent *self)
{
  return terms_string (self, "method");
}

gint64
cfd_consent_get_created (CfdConsent *self)
{
  return self->created;
}

gint64
cfd_consent_get_expires (CfdConsent *self)
{
  return self->expires;
}

gint64
cfd_consent_get_revoked_at (CfdConsent *self)
{
  return self->revoked_at;
}

GVariant *
cfd_consent_get_terms (CfdConsent *self)
{
  return self->terms;
}

gboolean
cfd_consent_is_live (CfdConsent *self, gint64 now)
{
  return self->revoked_at == 0 && !self->revocation_doubtful
         && (self->expires == 0 || now < self->expires);
}

gboolean
cfd_consent_covers (CfdConsent *self, gboolean psychotherapy_note, gint64 occurred)
{
  CfdConsentScope scope = cfd_consent_get_scope (self);
  gint64 from = cfd_consent_get_records_from (self);
  gint64 to = cfd_consent_get_records_to (self);

  if (scope == CFD_CONSENT_SCOPE_MEDICAL && psychotherapy_note)
    return FALSE;
  if (scope == CFD_CONSENT_SCOPE_PSYCHOTHERAPY && !psychotherapy_note)
    return FALSE;
  if (from != 0 && occurred < from)
    return FALSE;
  if (to != 0 && occurred > to)
    return FALSE;
  return TRUE;
}

char *
cfd_consent_describe (CfdConsent *self, const char *supervisor_name)
{
  /* In the program's language (the app's; the command line keeps its
   * English, having no catalogue of its own). */
  static const char *const what[] = {
    N_ ("the medical record and the psychotherapy notes"),
    N_ ("the medical record (not the psychotherapy notes)"),
    N_ ("the psychotherapy notes only"),
  };
  GString *text = g_string_new (NULL);
  gint64 from = cfd_consent_get_records_from (self);
  gint64 to = cfd_consent_get_records_to (self);

  /* Translators: a supervisor's name, then what the consent covers. */
  g_string_append_printf (text, _ ("%s may read %s"), supervisor_name,
                          _ (what[cfd_consent_get_scope (self)]));
  if (from != 0 || to != 0)
    {
      g_autofree char *a = cfd_date_format (from);
      g_autofree char *b = cfd_date_format (to);

      if (from != 0 && to != 0)
        g_string_append_printf (text, _ (" of sessions from %s to %s"), a, b);
      else if (from != 0)
        g_string_append_printf (text, _ (" of sessions from %s on"), a);
      else
        g_string_append_printf (text, _ (" of sessions up to %s"), b);
    }
  g_string_append_printf (text, _ (", for: %s"), cfd_consent_get_purpose (self));
  if (self->revoked_at != 0)
    {
      g_autofree char *when = cfd_date_format (self->revoked_at);

      g_string_append_printf (text, _ (". Revoked on %s."), when);
    }
  else if (self->expires != 0)
    {
      g_autofree char *when = cfd_date_format (self->expires);

      g_string_append_printf (text, _ (", until %s."), when);
    }
  else
    g_string_append (text, _ (", until the consent is revoked."));
  return g_string_free (text, FALSE);
}

static gboolean
invalid (GError **error, const char *message)
{
  g_set_error_literal (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT, message);
  return FALSE;
}

static gboolean
is_blank (const char *text)
{
  if (text == NULL)
    return TRUE;
  for (; *text; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;
  return TRUE;
}

static GVariant *
terms_variant (const CfdConsentTerms *terms)
{
  GVariantBuilder builder;

  /* Keys in sorted order: equal terms give equal bytes, and so equal hashes. */
  g_variant_builder_init (&builder, TERMS_TYPE);
  g_variant_builder_add (&builder, "{sv}", "expires", g_variant_new_int64 (terms->expires));
  g_variant_builder_add (&builder, "{sv}", "method", g_variant_new_string (terms->method));
  g_variant_builder_add (&builder, "{sv}", "obtained-on",
                         g_variant_new_string (terms->obtained_on));
  g_variant_builder_add (&builder, "{sv}", "purpose", g_variant_new_string (terms->purpose));
  g_variant_builder_add (&builder, "{sv}", "records-from",
                         g_variant_new_int64 (terms->records_from));
  g_variant_builder_add (&builder, "{sv}", "records-to", g_variant_new_int64 (terms->records_to));
  g_variant_builder_add (&builder, "{sv}", "scope",
                         g_variant_new_string (cfd_consent_scope_to_string (terms->scope)));
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

/* What the granting user signs: the row's identity and a hash of the terms
 * in the clear, so re-sealing under a rotated key keeps the signature. */
static CfdAd *
signed_message (CfdVault *vault,
                const char *id,
                const char *patient_id,
                const char *supervisor_id,
                const char *granted_by,
                gint64 created,
                gint64 expires,
                GVariant *terms)
{
  CfdAd *msg = cfd_ad_new ("confidant/consent/v1");
  g_autoptr (GBytes) wire = cfd_variant_to_wire (terms);
  guint8 digest[CFD_HASH_BYTES];

  cfd_hash (digest, g_bytes_get_data (wire, NULL), g_bytes_get_size (wire));
  cfd_ad_add_string (msg, cfd_vault_get_id (vault));
  cfd_ad_add_string (msg, id);
  cfd_ad_add_string (msg, patient_id);
  cfd_ad_add_string (msg, supervisor_id);
  cfd_ad_add_string (msg, granted_by);
  cfd_ad_add_uint (msg, (guint64)created);
  cfd_ad_add_uint (msg, (guint64)expires);
  cfd_ad_add_bytes (msg, digest, sizeof digest);
  return msg;
}

/* What the revoking owner or therapist signs: which consent, of whom,
 * when, and by whom. */
static CfdAd *
revocation_message (CfdVault *vault,
                    const char *id,
                    const char *patient_id,
                    const char *supervisor_id,
                    const char *revoked_by,
                    gint64 revoked_at)
{
  CfdAd *msg = cfd_ad_new ("confidant/consent-revocation/v1");

  cfd_ad_add_string (msg, cfd_vault_get_id (vault));
  cfd_ad_add_string (msg, id);
  cfd_ad_add_string (msg, patient_id);
  cfd_ad_add_string (msg, supervisor_id);
  cfd_ad_add_string (msg, revoked_by);
  cfd_ad_add_uint (msg, (guint64)revoked_at);
  return msg;
}

static void
sign_revocation (CfdVault *vault,
                 const char *id,
                 const char *patient_id,
                 const char *supervisor_id,
                 gint64 revoked_at,
                 guint8 signature[CFD_SIGNATURE_BYTES])
{
  g_autoptr (CfdAd) msg = revocation_message (vault, id, patient_id, supervisor_id,
                                              cfd_vault_get_user_id (vault), revoked_at);
  const guint8 *data;
  gsize len;

  data = cfd_ad_data (msg, &len);
  crypto_sign_detached (signature, NULL, data, len, cfd_vault_get_sign_secret_key (vault));
}

/* Whether the vault has the table of signed revocations (schema 11). */
static gboolean
signed_revocations_available (CfdDb *db)
{
  return cfd_db_has_table (db, "consent_revocations");
}

static char *
find_supervisor (CfdVault *vault, const char *id_or_name, GError **error)
{
  g_autoptr (GPtrArray) users = cfd_vault_list_users (vault);

  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < users->len; i++)
      {
        const CfdUserInfo *user = g_ptr_array_index (users, i);

        if (g_strcmp0 (pass == 0 ? user->id : user->name, id_or_name) != 0)
          continue;
        if (user->role != CFD_ROLE_SUPERVISOR)
          {
            invalid (error, _ ("Consent can only be given for a user with the supervisor role"));
            return NULL;
          }
        return g_strdup (user->id);
      }
  /* A supervisor from another vault, known here by their card only: as
   * the statement an owner or therapist signed vouches for them. */
  {
    CfdDb *db = cfd_vault_get_db (vault, error);
    sqlite3_stmt *stmt;
    char *id = NULL;

    if (db == NULL)
      return NULL;
    stmt = cfd_db_prepare (db,
                           "SELECT c.id FROM temp.signed_cards c "
                           "WHERE c.id = ?1 OR c.name = ?1 "
                           "ORDER BY c.id = ?1 DESC LIMIT 1",
                           error);
    if (stmt == NULL)
      return NULL;
    sqlite3_bind_text (stmt, 1, id_or_name, -1, SQLITE_TRANSIENT);
    if (sqlite3_step (stmt) == SQLITE_ROW)
      id = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
    sqlite3_reset (stmt);
    if (id != NULL)
      return id;
  }
  g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND, _ ("There is no such supervisor"));
  return NULL;
}

static gboolean
validate_terms (CfdVault *vault, const CfdConsentTerms *terms, GError **error)
{
  if (terms->scope > CFD_CONSENT_SCOPE_PSYCHOTHERAPY)
    return invalid (error, _ ("The scope must be all, medical or psychotherapy"));
  if (is_blank (terms->purpose))
    return invalid (error, _ ("A consent needs a purpose"));
  if (is_blank (terms->method))
    return invalid (error, _ ("A consent needs the way it was obtained (signed form, verbal with "
                              "witness, ...)"));
  if (!cfd_date_is_valid (terms->obtained_on))
    return invalid (error, _ ("The date the consent was obtained must be written YYYY-MM-DD"));
  if (terms->records_from < 0 || terms->records_to < 0
      || (terms->records_to != 0 && terms->records_to < terms->records_from))
    return invalid (error, _ ("The date range of the records is empty"));
  if (terms->expires != 0 && terms->expires <= cfd_vault_now (vault) / G_USEC_PER_SEC)
    return invalid (error, _ ("The expiry date has already passed"));
  if (strlen (terms->purpose) > 4096 || strlen (terms->method) > 256)
    return invalid (error, _ ("The purpose or method is too long"));
  return TRUE;
}

/* The patient's current key version, provided the signed-in user can open it. */
static gboolean
current_readable_version (CfdVault *vault,
                          const char *patient_id,
                          guint *version_out,
                          GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  sqlite3_stmt *stmt;
  guint version = 0;

  if (db == NULL)
    return FALSE;
  stmt = cfd_db_prepare (db, "SELECT key_version FROM patients WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, patient_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    version = (guint)sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (version == 0)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND, _ ("No such patient"));
      return FALSE;
    }
  if (version_out != NULL)
    *version_out = version;
  return cfd_patient_key_get (vault, patient_id, version, error) != NULL;
}

/* The supervisor gets the details key and the keys of the signed records
 * the consent covers, never the patient key. */
static gboolean
grant_consent_keys (CfdVault *vault,
                    const char *patient_id,
                    guint version,
                    const char *supervisor,
                    const char *consent_id,
                    GError **error)
{
  g_autoptr (CfdConsent) consent = NULL;

  /* A database before schema 8 (made by the tests): the patient key, as then. */
  if (!cfd_scoped_keys_available (cfd_vault_get_db (vault, NULL)))
    return cfd_patient_key_grant (vault, patient_id, version, supervisor, consent_id, error);
  consent = cfd_consent_load (vault, consent_id, error);
  return consent != NULL && cfd_scoped_key_grant_consent (vault, consent, error);
}

char *
cfd_vault_grant_consent (CfdVault *vault,
                         const char *patient_id,
                         const CfdConsentTerms *terms,
                         GError **error)
{
  g_autofree char *supervisor = NULL;
  g_autofree char *id = NULL;
  g_autoptr (GVariant) content = NULL;
  g_autoptr (GBytes) sealed = NULL;
  g_autoptr (CfdAd) msg = NULL;
  guint8 signature[CFD_SIGNATURE_BYTES];
  const guint8 *msg_data;
  gsize msg_len;
  gint64 now;
  guint version = 0;
  CfdDb *db;
  sqlite3_stmt *stmt;

  if (!cfd_vault_require_role (vault, CFD_ROLES_CLINICIANS, "consent.grant", error))
    return NULL;
  if (!validate_terms (vault, terms, error))
    return NULL;
  supervisor = find_supervisor (vault, terms->supervisor, error);
  if (supervisor == NULL)
    return NULL;

  if (!current_readable_version (vault, patient_id, &version, error))
    return NULL;
  db = cfd_vault_get_db (vault, error);

  id = cfd_new_id ();
  now = cfd_vault_now (vault) / G_USEC_PER_SEC;
  content = terms_variant (terms);
  if (!cfd_db_begin (db, error))
    return NULL;
  sealed = cfd_patient_key_seal (vault, patient_id, version, "consents", id, 1, content, error);
  if (sealed == NULL)
    goto failed;
  msg = signed_message (vault, id, patient_id, supervisor, cfd_vault_get_user_id (vault), now,
                        terms->expires, content);
  msg_data = cfd_ad_data (msg, &msg_len);
  crypto_sign_detached (signature, NULL, msg_data, msg_len, cfd_vault_get_sign_secret_key (vault));

  stmt
      = cfd_db_prepare (db,
                        "INSERT INTO consents (id, patient_id, supervisor_id, granted_by, created, "
                        "expires, key_version, revision, sealed, signature) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
                        error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, patient_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, supervisor, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, cfd_vault_get_user_id (vault), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, now);
  if (terms->expires != 0)
    sqlite3_bind_int64 (stmt, 6, terms->expires);
  else
    sqlite3_bind_null (stmt, 6);
  sqlite3_bind_int64 (stmt, 7, version);
  cfd_db_bind_bytes (stmt, 8, sealed);
  sqlite3_bind_blob (stmt, 9, signature, sizeof signature, SQLITE_TRANSIENT);
  if (!cfd_db_step_done (db, stmt, error)
      || !grant_consent_keys (vault, patient_id, version, supervisor, id, error)
      || !cfd_vault_audit (vault, "consent.grant", "patient", patient_id, CFD_AUDIT_SUCCESS, id,
                           error)
      || !cfd_db_commit (db, error))
    goto failed;
  return g_steal_pointer (&id);

failed:
  cfd_db_rollback (db);
  return NULL;
}

#define CONSENT_COLUMNS                                                                    \
  "c.id, c.patient_id, c.supervisor_id, c.granted_by, c.created, coalesce(c.expires, 0), " \
  "coalesce(c.revoked_at, 0), c.key_version, c.revision, c.sealed, c.signature, u.role, "  \
  "u.sign_pk, "
#define CONSENT_FROM " FROM consents c JOIN temp.roster u ON u.id = c.granted_by "
/* Columns 13 to 18: the revocation row (time, revoker, signature), the
 * revoker's role and key from the roster, and whether the audit log holds
 * a successful consent.revoke of this consent. */
#define REVOCATION_COLUMNS                                                                   \
  "r.consent_id IS NOT NULL, r.revoked_at, r.revoked_by, r.signature, ru.role, ru.sign_pk, " \
  "(SELECT min(a.time) FROM audit_log a WHERE a.action = 'consent.revoke' "                  \
  "AND a.authorization = c.id AND a.outcome = 'success')"
#define REVOCATION_FROM                                     \
  "LEFT JOIN consent_revocations r ON r.consent_id = c.id " \
  "LEFT JOIN temp.roster ru ON ru.id = r.revoked_by "
/* A vault before schema 11 (made by the tests): revoked_at as it was. */
#define NO_REVOCATION_COLUMNS "0, NULL, NULL, NULL, NULL, NULL, NULL"

static gboolean
tampered (GError **error)
{
  g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
               _ ("A consent record failed verification; the vault may have been tampered with"));
  return FALSE;
}

static gboolean
clinician_role (const char *role)
{
  return g_strcmp0 (role, "owner") == 0 || g_strcmp0 (role, "therapist") == 0;
}

/* Whether a consent is revoked, from the signed revocation and the audit
 * log; revoked_at in the clear decides nothing by itself:
 * - a revocation signed by an owner or therapist of the roster: revoked
 *   at the signed time, whatever revoked_at says (cleared or changed:
 *   reported);
 * - an unsigned revocation carried over from before schema 11: revoked,
 *   until the owner's next unlock signs it;
 * - a revocation whose signature does not verify, a revoked_at with no
 *   revocation row, or no revocation at all while the audit log holds a
 *   consent.revoke of this consent: revoked, and reported as tampering.
 * Nothing here makes a consent live that was not. */
static void
decide_revocation (CfdVault *vault, CfdConsent *consent, sqlite3_stmt *stmt)
{
  gint64 clear_text = consent->revoked_at;
  gboolean has_row = sqlite3_column_int (stmt, 13) != 0;
  gboolean audited = sqlite3_column_type (stmt, 19) != SQLITE_NULL;

  consent->revoked_at = 0;
  consent->revocation_doubtful = FALSE;
  if (has_row && sqlite3_column_type (stmt, 16) == SQLITE_NULL
      && sqlite3_column_type (stmt, 15) == SQLITE_NULL)
    {
      /* Carried over unsigned by the migration: revoked, not yet signed. */
      consent->revoked_at = sqlite3_column_int64 (stmt, 14);
      if (consent->revoked_at != clear_text)
        consent->revocation_doubtful = TRUE;
    }
  else if (has_row)
    {
      gint64 when = sqlite3_column_int64 (stmt, 14);
      const char *revoker = (const char *)sqlite3_column_text (stmt, 15);
      g_autoptr (CfdAd) msg = NULL;
      const guint8 *data;
      gsize len;

      consent->revoked_at = when;
      if (revoker == NULL || !clinician_role ((const char *)sqlite3_column_text (stmt, 17))
          || sqlite3_column_bytes (stmt, 16) != CFD_SIGNATURE_BYTES
          || sqlite3_column_bytes (stmt, 18) != CFD_SIGN_PK_BYTES)
        consent->revocation_doubtful = TRUE;
      else
        {
          msg = revocation_message (vault, consent->id, consent->patient_id, consent->supervisor_id,
                                    revoker, when);
          data = cfd_ad_data (msg, &len);
          if (crypto_sign_verify_detached (sqlite3_column_blob (stmt, 16), data, len,
                                           sqlite3_column_blob (stmt, 18))
              != 0)
            consent->revocation_doubtful = TRUE;
          else if (clear_text != when)
            consent->revocation_doubtful = TRUE; /* signed, but the copy was edited */
        }
    }
  else if (clear_text != 0 && signed_revocations_available (cfd_vault_get_db (vault, NULL)))
    {
      consent->revoked_at = clear_text;
      consent->revocation_doubtful = TRUE;
    }
  else if (clear_text != 0)
    consent->revoked_at = clear_text; /* a vault before schema 11 */
  else if (audited)
    {
      consent->revoked_at = sqlite3_column_int64 (stmt, 19) / G_USEC_PER_SEC;
      consent->revocation_doubtful = TRUE;
    }
}

gboolean
cfd_consent_revocation_is_doubtful (CfdConsent *self)
{
  return self->revocation_doubtful;
}

/* A consent whose revocation was tampered with: one vault.tamper record
 * (object: the consent) each time it is read, inside the caller's
 * transaction when there is one. */
static void
report_doubtful_revocation (CfdVault *vault, CfdConsent *consent)
{
  g_autoptr (GError) error = NULL;
  CfdDb *db = cfd_vault_get_db (vault, NULL);
  gboolean own = !cfd_db_in_transaction (db);

  if ((own && !cfd_db_begin (db, &error))
      || !cfd_vault_audit (vault, "vault.tamper", "consent", consent->id, CFD_AUDIT_FAILURE,
                           "revocation tampered with; treated as revoked", &error)
      || (own && !cfd_db_commit (db, &error)))
    {
      if (own)
        cfd_db_rollback (db);
      g_warning ("Could not record a tampered consent revocation: %s", error->message);
    }
}

/* Decrypts and verifies one row: the granter may grant, the signature holds,
 * and the expiry in the clear is the one that was signed. */
static CfdConsent *
consent_from_row (CfdVault *vault, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (CfdConsent) consent = g_object_new (CFD_TYPE_CONSENT, NULL);
  g_autoptr (GBytes) sealed = cfd_db_column_bytes (stmt, 9);
  g_autoptr (CfdAd) msg = NULL;
  const char *role = (const char *)sqlite3_column_text (stmt, 11);
  const guint8 *msg_data;
  gsize msg_len;
  gint64 signed_expires = -1;

  consent->id = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  consent->patient_id = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
  consent->supervisor_id = g_strdup ((const char *)sqlite3_column_text (stmt, 2));
  consent->granted_by = g_strdup ((const char *)sqlite3_column_text (stmt, 3));
  consent->created = sqlite3_column_int64 (stmt, 4);
  consent->expires = sqlite3_column_int64 (stmt, 5);
  consent->revoked_at = sqlite3_column_int64 (stmt, 6);
  consent->terms = cfd_patient_key_unseal (
      vault, consent->patient_id, (guint)sqlite3_column_int64 (stmt, 7), "consents", consent->id,
      (guint64)sqlite3_column_int64 (stmt, 8), sealed, TERMS_TYPE, error);
  if (consent->terms == NULL)
    return NULL;

  if ((g_strcmp0 (role, "owner") != 0 && g_strcmp0 (role, "therapist") != 0)
      || sqlite3_column_bytes (stmt, 10) != CFD_SIGNATURE_BYTES
      || sqlite3_column_bytes (stmt, 12) != CFD_SIGN_PK_BYTES
      || !g_variant_lookup (consent->terms, "expires", "x", &signed_expires)
      || signed_expires != consent->expires)
    {
      tampered (error);
      return NULL;
    }
  msg = signed_message (vault, consent->id, consent->patient_id, consent->supervisor_id,
                        consent->granted_by, consent->created, consent->expires, consent->terms);
  msg_data = cfd_ad_data (msg, &msg_len);
  if (crypto_sign_verify_detached (sqlite3_column_blob (stmt, 10), msg_data, msg_len,
                                   sqlite3_column_blob (stmt, 12))
      != 0)
    {
      tampered (error);
      return NULL;
    }
  decide_revocation (vault, consent, stmt);
  return g_steal_pointer (&consent);
}

static GListStore *
query_consents (
    CfdVault *vault, const char *where, const char *first, const char *second, GError **error)
{
  g_autoptr (GListStore) store = g_list_store_new (CFD_TYPE_CONSENT);
  g_autofree char *sql = NULL;
  CfdDb *db = cfd_vault_get_db (vault, error);
  sqlite3_stmt *stmt;
  int rc;

  if (db == NULL)
    return NULL;
  sql = signed_revocations_available (db)
            ? g_strconcat (
                "SELECT " CONSENT_COLUMNS REVOCATION_COLUMNS CONSENT_FROM REVOCATION_FROM, where,
                " ORDER BY c.created DESC", NULL)
            : g_strconcat ("SELECT " CONSENT_COLUMNS NO_REVOCATION_COLUMNS CONSENT_FROM, where,
                           " ORDER BY c.created DESC", NULL);
  stmt = cfd_db_prepare (db, sql, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, first, -1, SQLITE_TRANSIENT);
  if (second != NULL)
    sqlite3_bind_text (stmt, 2, second, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr (CfdConsent) consent = consent_from_row (vault, stmt, error);

      if (consent == NULL)
        {
          sqlite3_reset (stmt);
          return NULL;
        }
      g_list_store_append (store, consent);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "reading consents", error);
      return NULL;
    }
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (store)); i++)
    {
      g_autoptr (CfdConsent) consent = g_list_model_get_item (G_LIST_MODEL (store), i);

      if (consent->revocation_doubtful)
        report_doubtful_revocation (vault, consent);
    }
  return g_steal_pointer (&store);
}

CfdConsent *
cfd_consent_load (CfdVault *vault, const char *consent_id, GError **error)
{
  g_autoptr (GListStore) found = query_consents (vault, "WHERE c.id = ?", consent_id, NULL, error);

  if (found == NULL)
    return NULL;
  if (g_list_model_get_n_items (G_LIST_MODEL (found)) == 0)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND, _ ("No such consent"));
      return NULL;
    }
  return g_list_model_get_item (G_LIST_MODEL (found), 0);
}

GListModel *
cfd_vault_list_consents (CfdVault *vault, const char *patient_id, GError **error)
{
  g_autoptr (GListStore) store = NULL;
  char *consent_id = NULL;
  CfdDb *db;

  /* A supervisor sees the consents that name them, and only while one is live. */
  if (!cfd_consent_check_access (vault, patient_id, FALSE, FALSE, 0, &consent_id, error))
    {
      cfd_vault_audit_standalone (vault, "consent.list", "patient", patient_id, CFD_AUDIT_DENIED);
      return NULL;
    }
  g_free (consent_id);

  if (cfd_vault_get_user_role (vault) == CFD_ROLE_SUPERVISOR)
    store = query_consents (vault, "WHERE c.patient_id = ? AND c.supervisor_id = ?", patient_id,
                            cfd_vault_get_user_id (vault), error);
  else
    store = query_consents (vault, "WHERE c.patient_id = ?", patient_id, NULL, error);
  if (store == NULL)
    return NULL;

  db = cfd_vault_get_db (vault, error);
  if (!cfd_db_begin (db, error)
      || !cfd_vault_audit (vault, "consent.list", "patient", patient_id, CFD_AUDIT_SUCCESS, NULL,
                           error)
      || !cfd_db_commit (db, error))
    {
      cfd_db_rollback (db);
      return NULL;
    }
  return G_LIST_MODEL (g_steal_pointer (&store));
}

gboolean
cfd_consent_check_access (CfdVault *vault,
                          const char *patient_id,
                          gboolean check_record,
                          gboolean psychotherapy_note,
                          gint64 occurred,
                          char **consent_id,
                          GError **error)
{
  g_autoptr (GListStore) mine = NULL;
  gint64 now;

  *consent_id = NULL;
  if (cfd_vault_get_db (vault, error) == NULL)
    return FALSE;
  if (cfd_vault_get_user_role (vault) != CFD_ROLE_SUPERVISOR)
    return TRUE;

  mine = query_consents (vault, "WHERE c.patient_id = ? AND c.supervisor_id = ?", patient_id,
                         cfd_vault_get_user_id (vault), error);
  if (mine == NULL)
    return FALSE;

  now = cfd_vault_now (vault) / G_USEC_PER_SEC;
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (mine)); i++)
    {
      g_autoptr (CfdConsent) consent = g_list_model_get_item (G_LIST_MODEL (mine), i);

      if (!cfd_consent_is_live (consent, now))
        continue;
      if (check_record && !cfd_consent_covers (consent, psychotherapy_note, occurred))
        continue;
      *consent_id = g_strdup (consent->id);
      return TRUE;
    }
  g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED,
               check_record ? "No live consent of this patient covers this record"
                            : "You have no live consent to see this patient");
  return FALSE;
}

GPtrArray *
cfd_consent_list_live (CfdVault *vault,
                       const char *patient_id,
                       const char *supervisor_id,
                       GError **error)
{
  g_autoptr (GPtrArray) live = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GListStore) found = NULL;
  gint64 now = cfd_vault_now (vault) / G_USEC_PER_SEC;

  found = supervisor_id != NULL
              ? query_consents (vault, "WHERE c.patient_id = ? AND c.supervisor_id = ?", patient_id,
                                supervisor_id, error)
              : query_consents (vault, "WHERE c.patient_id = ?", patient_id, NULL, error);
  if (found == NULL)
    return NULL;
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (found)); i++)
    {
      g_autoptr (CfdConsent) consent = g_list_model_get_item (G_LIST_MODEL (found), i);

      if (cfd_consent_is_live (consent, now))
        g_ptr_array_add (live, g_steal_pointer (&consent));
    }
  return g_steal_pointer (&live);
}

gboolean
cfd_consent_supervisor_entitled (CfdVault *vault,
                                 const char *patient_id,
                                 const char *supervisor_id,
                                 gboolean *entitled,
                                 GError **error)
{
  g_autoptr (GListStore) theirs = NULL;
  g_autoptr (GError) local_error = NULL;
  gint64 now = cfd_vault_now (vault) / G_USEC_PER_SEC;

  *entitled = FALSE;
  /* Only consents that decrypt and verify (query_consents joins the
   * roster for the granter and checks the signature and signed expiry). */
  theirs = query_consents (vault, "WHERE c.patient_id = ? AND c.supervisor_id = ?", patient_id,
                           supervisor_id, &local_error);
  /* A consent that does not verify entitles no one: the supervisor loses
   * the key rather than keep it through a forged row. */
  if (theirs == NULL && g_error_matches (local_error, CFD_ERROR, CFD_ERROR_TAMPERED))
    return TRUE;
  if (theirs == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (theirs)) && !*entitled; i++)
    {
      g_autoptr (CfdConsent) consent = g_list_model_get_item (G_LIST_MODEL (theirs), i);

      *entitled = cfd_consent_is_live (consent, now);
    }
  return TRUE;
}

/* One transaction: rotate the key away from the supervisor and mark the
 * consent as done. If it is interrupted, nothing of it happened, and the
 * next unlock by the practice runs it again. */
static gboolean
withdraw_key (CfdVault *vault,
              const char *consent_id,
              const char *patient_id,
              const char *supervisor_id,
              GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  const char *exclude[] = { supervisor_id, NULL };
  sqlite3_stmt *stmt;
  gboolean keep;

  if (!cfd_db_begin (db, error)
      || !cfd_consent_supervisor_entitled (vault, patient_id, supervisor_id, &keep, error))
    goto failed;
  if (!cfd_patient_key_rotate (vault, patient_id, keep ? NULL : exclude, error))
    goto failed;
  stmt = cfd_db_prepare (db, "UPDATE consents SET key_withdrawn = 1 WHERE id = ?", error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, consent_id, -1, SQLITE_TRANSIENT);
  if (!cfd_db_step_done (db, stmt, error)
      || !cfd_vault_audit (vault, "consent.key-withdrawn", "patient", patient_id, CFD_AUDIT_SUCCESS,
                           consent_id, error)
      || !cfd_db_commit (db, error))
    goto failed;
  return TRUE;

failed:
  cfd_db_rollback (db);
  return FALSE;
}

/* The revocation, signed by the revoking user (schema 11 on). */
static gboolean
store_signed_revocation (CfdVault *vault,
                         const char *consent_id,
                         const char *patient_id,
                         const char *supervisor_id,
                         gint64 revoked_at,
                         GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  guint8 signature[CFD_SIGNATURE_BYTES];
  sqlite3_stmt *stmt;

  if (!signed_revocations_available (db))
    return TRUE;
  sign_revocation (vault, consent_id, patient_id, supervisor_id, revoked_at, signature);
  stmt = cfd_db_prepare (db,
                         "INSERT OR REPLACE INTO consent_revocations (consent_id, revoked_at, "
                         "revoked_by, signature) VALUES (?, ?, ?, ?)",
                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, consent_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, revoked_at);
  sqlite3_bind_text (stmt, 3, cfd_vault_get_user_id (vault), -1, SQLITE_TRANSIENT);
  sqlite3_bind_blob (stmt, 4, signature, sizeof signature, SQLITE_TRANSIENT);
  return cfd_db_step_done (db, stmt, error);
}

guint
cfd_consent_sign_carried_revocations (CfdVault *vault, GError **error)
{
  g_autoptr (GPtrArray) due = g_ptr_array_new_with_free_func (g_free);
  CfdDb *db = cfd_vault_get_db (vault, error);
  sqlite3_stmt *stmt;
  guint done = 0;

  /* The owner signs what the migration carried over: the revocation that
   * the consent row says happened, at the time it says. */
  if (db == NULL || cfd_vault_get_user_role (vault) != CFD_ROLE_OWNER
      || !signed_revocations_available (db))
    return 0;
  stmt = cfd_db_prepare (db,
                         "SELECT r.consent_id, c.patient_id, c.supervisor_id, r.revoked_at "
                         "FROM consent_revocations r JOIN consents c ON c.id = r.consent_id "
                         "WHERE r.signature IS NULL",
                         error);
  if (stmt == NULL)
    return 0;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    for (int c = 0; c < 4; c++)
      g_ptr_array_add (due, g_strdup ((const char *)sqlite3_column_text (stmt, c)));
  sqlite3_reset (stmt);
  if (due->len == 0)
    return 0;

  if (!cfd_db_begin (db, error))
    return 0;
  for (guint i = 0; i + 3 < due->len; i += 4)
    {
      gint64 when = g_ascii_strtoll (g_ptr_array_index (due, i + 3), NULL, 10);

      if (!store_signed_revocation (vault, g_ptr_array_index (due, i),
                                    g_ptr_array_index (due, i + 1), g_ptr_array_index (due, i + 2),
                                    when, error))
        {
          cfd_db_rollback (db);
          return 0;
        }
      done++;
    }
  if (!cfd_vault_audit (vault, "consent.revocations-signed", "vault", cfd_vault_get_id (vault),
                        CFD_AUDIT_SUCCESS, NULL, error)
      || !cfd_db_commit (db, error))
    {
      cfd_db_rollback (db);
      return 0;
    }
  return done;
}

gboolean
cfd_vault_revoke_consent (CfdVault *vault, const char *consent_id, GError **error)
{
  g_autofree char *patient_id = NULL;
  g_autofree char *supervisor_id = NULL;
  CfdDb *db;
  sqlite3_stmt *stmt;
  gboolean revoked = FALSE;
  gint64 now = cfd_vault_now (vault) / G_USEC_PER_SEC;

  if (!cfd_vault_require_role (vault, CFD_ROLES_CLINICIANS, "consent.revoke", error))
    return FALSE;
  db = cfd_vault_get_db (vault, error);
  stmt = cfd_db_prepare (db,
                         signed_revocations_available (db)
                             ? "SELECT patient_id, supervisor_id, revoked_at IS NOT NULL OR "
                               "EXISTS (SELECT 1 FROM consent_revocations r WHERE r.consent_id = "
                               "consents.id) FROM consents WHERE id = ?"
                             : "SELECT patient_id, supervisor_id, revoked_at IS NOT NULL FROM "
                               "consents WHERE id = ?",
                         error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, consent_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      patient_id = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
      supervisor_id = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
      revoked = sqlite3_column_int (stmt, 2) != 0;
    }
  sqlite3_reset (stmt);
  if (patient_id == NULL)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND, _ ("No such consent"));
      return FALSE;
    }
  /* Re-sealing the patient's rows needs their key. */
  if (!current_readable_version (vault, patient_id, NULL, error))
    return FALSE;

  if (!revoked)
    {
      /* First the refusal, committed on its own: from this moment core
       * refuses the supervisor, whatever happens to the rotation. */
      if (!cfd_db_begin (db, error))
        return FALSE;
      stmt = cfd_db_prepare (db, "UPDATE consents SET revoked_at = ? WHERE id = ?", error);
      if (stmt == NULL)
        {
          cfd_db_rollback (db);
          return FALSE;
        }
      sqlite3_bind_int64 (stmt, 1, now);
      sqlite3_bind_text (stmt, 2, consent_id, -1, SQLITE_TRANSIENT);
      if (!cfd_db_step_done (db, stmt, error)
          || !store_signed_revocation (vault, consent_id, patient_id, supervisor_id, now, error)
          || !cfd_vault_audit (vault, "consent.revoke", "patient", patient_id, CFD_AUDIT_SUCCESS,
                               consent_id, error)
          || !cfd_db_commit (db, error))
        {
          cfd_db_rollback (db);
          return FALSE;
        }
    }
  return withdraw_key (vault, consent_id, patient_id, supervisor_id, error);
}

guint
cfd_vault_withdraw_lapsed_consents (CfdVault *vault, GError **error)
{
  g_autoptr (GPtrArray) due = g_ptr_array_new_with_free_func (g_free);
  CfdDb *db = cfd_vault_get_db (vault, error);
  sqlite3_stmt *stmt;
  guint done = 0;

  if (db == NULL || cfd_vault_get_user_role (vault) == CFD_ROLE_SUPERVISOR)
    return 0;
  /* Every supervisor who holds the patient's current key under some
   * consent, whatever the clear-text columns say (expires, revoked_at,
   * key_withdrawn can all be edited by a user with the database key); the
   * signed consents and the clock decide below. */
  stmt = cfd_db_prepare (
      db,
      !cfd_scoped_keys_available (db)
          ? "SELECT min(c.id), c.patient_id, c.supervisor_id FROM consents c "
            "JOIN patients p ON p.id = c.patient_id "
            "JOIN patient_keys k ON k.patient_id = c.patient_id AND k.key_version = p.key_version "
            "AND k.user_id = c.supervisor_id GROUP BY c.patient_id, c.supervisor_id"
          : "SELECT min(c.id), c.patient_id, c.supervisor_id FROM consents c "
            "JOIN patients p ON p.id = c.patient_id "
            "WHERE EXISTS (SELECT 1 FROM patient_keys k WHERE k.patient_id = c.patient_id "
            "AND k.key_version = p.key_version AND k.user_id = c.supervisor_id) "
            "OR EXISTS (SELECT 1 FROM details_grants g WHERE g.patient_id = c.patient_id "
            "AND g.key_version = p.key_version AND g.user_id = c.supervisor_id) "
            "GROUP BY c.patient_id, c.supervisor_id",
      error);
  if (stmt == NULL)
    return 0;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    for (int c = 0; c < 3; c++)
      g_ptr_array_add (due, g_strdup ((const char *)sqlite3_column_text (stmt, c)));
  sqlite3_reset (stmt);

  for (guint i = 0; i + 2 < due->len; i += 3)
    {
      const char *patient_id = g_ptr_array_index (due, i + 1);
      g_autoptr (GError) local_error = NULL;
      gboolean entitled = FALSE;

      /* A patient this user cannot read is left for a user who can. */
      if (!current_readable_version (vault, patient_id, NULL, NULL))
        continue;
      if (!cfd_consent_supervisor_entitled (vault, patient_id, g_ptr_array_index (due, i + 2),
                                            &entitled, &local_error))
        {
          g_warning ("Could not check a supervisor's consents: %s", local_error->message);
          continue;
        }
      if (entitled)
        continue;
      if (withdraw_key (vault, g_ptr_array_index (due, i), patient_id,
                        g_ptr_array_index (due, i + 2), &local_error))
        done++;
      else
        g_warning ("Could not complete the withdrawal of a lapsed consent: %s",
                   local_error->message);
    }
  return done;
}
