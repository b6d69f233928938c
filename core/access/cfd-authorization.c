/* cfd-authorization.c: a patient's written HIPAA authorization (45 CFR 164.508): recorded, signed, revoked. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <stdarg.h>
#include <string.h>

#include <sodium.h>

#include "cfd-authorization.h"
#include "cfd-date.h"
#include "cfd-patient-key.h"

#define TERMS_TYPE      G_VARIANT_TYPE_VARDICT
#define MAX_FILE_BYTES  (64 * 1024)
#define MAX_VALUE_CHARS 2000
#define DAY             (24 * 60 * 60)

struct _CfdAuthorization
{
  GObject parent_instance;

  char *id;
  char *patient_id;
  char *recorded_by;
  gint64 created;
  CfdAuthorizationScope scope;
  gint64 expires;
  gint64 revoked_at;
  char *revoked_by;
  GVariant *terms;
};

G_DEFINE_FINAL_TYPE (CfdAuthorization, cfd_authorization, G_TYPE_OBJECT)

static const char *const scope_names[] = { "medical-record", "psychotherapy-notes" };

/* Every field of the file: required or not. */
static const struct
{
  const char *key;
  gboolean required;
} fields[] = {
  { CFD_AUTHORIZATION_SCOPE, TRUE },          { CFD_AUTHORIZATION_DESCRIPTION, TRUE },
  { CFD_AUTHORIZATION_DISCLOSED_BY, TRUE },   { CFD_AUTHORIZATION_RECIPIENT, TRUE },
  { CFD_AUTHORIZATION_PURPOSE, TRUE },        { CFD_AUTHORIZATION_EXPIRES, FALSE },
  { CFD_AUTHORIZATION_EXPIRY_EVENT, FALSE },  { CFD_AUTHORIZATION_SIGNED_BY, TRUE },
  { CFD_AUTHORIZATION_SIGNED_ON, TRUE },      { CFD_AUTHORIZATION_REPRESENTATIVE, FALSE },
  { CFD_AUTHORIZATION_FORM, FALSE },          { CFD_AUTHORIZATION_STATEMENT_REVOKE, TRUE },
  { CFD_AUTHORIZATION_STATEMENT_COND, TRUE }, { CFD_AUTHORIZATION_STATEMENT_REDISC, TRUE },
};

const char *
cfd_authorization_scope_to_string (CfdAuthorizationScope scope)
{
  g_return_val_if_fail (scope <= CFD_AUTHORIZATION_SCOPE_PSYCHOTHERAPY, "medical-record");
  return scope_names[scope];
}

gboolean
cfd_authorization_scope_from_string (const char *text, CfdAuthorizationScope *scope)
{
  for (guint i = 0; i < G_N_ELEMENTS (scope_names); i++)
    if (g_strcmp0 (text, scope_names[i]) == 0)
      {
        *scope = (CfdAuthorizationScope)i;
        return TRUE;
      }
  return FALSE;
}

/* INVALID_INPUT with a message; FALSE, so a check can return it. */
static gboolean G_GNUC_PRINTF (2, 3) invalid (GError **error, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (CFD_ERROR, CFD_ERROR_INVALID_INPUT, format, args));
  va_end (args);
  return FALSE;
}

static const char *
lookup (GVariant *terms, const char *key)
{
  const char *value = NULL;

  if (!g_variant_lookup (terms, key, "&s", &value))
    return NULL;
  return value;
}

/* One line of printable UTF-8, 1 to MAX_VALUE_CHARS characters, not blank. */
static gboolean
good_value (const char *text)
{
  gboolean blank = TRUE;

  if (text == NULL || !g_utf8_validate (text, -1, NULL)
      || g_utf8_strlen (text, -1) > MAX_VALUE_CHARS)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    {
      if ((guchar)*p < 0x20 || *p == 0x7f)
        return FALSE;
      if (!g_ascii_isspace (*p))
        blank = FALSE;
    }
  return !blank;
}

gboolean
cfd_authorization_terms_check (GVariant *terms, GError **error)
{
  CfdAuthorizationScope scope;
  const char *expires, *event, *signed_on;
  gint64 expires_s = 0, signed_s = 0;
  GVariantIter iter;
  const char *key;
  GVariant *value;

  if (terms == NULL || !g_variant_is_of_type (terms, TERMS_TYPE))
    return invalid (error, "%s", "An authorization's terms are not a dictionary");
  g_variant_iter_init (&iter, terms);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      gboolean known = FALSE, ok;

      for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
        known = known || strcmp (fields[i].key, key) == 0;
      ok = known && g_variant_is_of_type (value, G_VARIANT_TYPE_STRING)
           && good_value (g_variant_get_string (value, NULL));
      g_variant_unref (value);
      if (!known)
        return invalid (error, _ ("An authorization has no field \"%s\""), key);
      if (!ok)
        return invalid (error,
                        _ ("The authorization's %s must be one line of text (at most 2000 "
                           "characters)"),
                        key);
    }
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (fields[i].required && lookup (terms, fields[i].key) == NULL)
      return invalid (error,
                      _ ("The authorization has no %s (45 CFR 164.508(c) requires every core "
                         "element and statement)"),
                      fields[i].key);
  if (!cfd_authorization_scope_from_string (lookup (terms, CFD_AUTHORIZATION_SCOPE), &scope))
    return invalid (error, "%s",
                    "The authorization's scope must be medical-record or psychotherapy-notes (an "
                    "authorization for psychotherapy notes covers nothing else)");
  if (g_strcmp0 (lookup (terms, CFD_AUTHORIZATION_STATEMENT_REVOKE), "yes") != 0
      || g_strcmp0 (lookup (terms, CFD_AUTHORIZATION_STATEMENT_COND), "yes") != 0
      || g_strcmp0 (lookup (terms, CFD_AUTHORIZATION_STATEMENT_REDISC), "yes") != 0)
    return invalid (error, "%s",
                    "The signed form must state the right to revoke, whether treatment is "
                    "conditioned on signing, and that what is disclosed may be redisclosed (each "
                    "statement-… field \"yes\"); without them the authorization is not valid");
  signed_on = lookup (terms, CFD_AUTHORIZATION_SIGNED_ON);
  if (!cfd_date_parse (signed_on, &signed_s))
    return invalid (error, "%s", "The date the authorization was signed must be YYYY-MM-DD");
  expires = lookup (terms, CFD_AUTHORIZATION_EXPIRES);
  event = lookup (terms, CFD_AUTHORIZATION_EXPIRY_EVENT);
  if ((expires == NULL) == (event == NULL))
    return invalid (error, "%s",
                    "The authorization needs an expiry date (expires) or an expiry event "
                    "(expiry-event), one of them");
  if (expires != NULL && !cfd_date_parse (expires, &expires_s))
    return invalid (error, "%s", "The authorization's expiry date must be YYYY-MM-DD");
  if (expires != NULL && expires_s < signed_s)
    return invalid (error, "%s", "The authorization expires before the day it was signed");
  return TRUE;
}

GVariant *
cfd_authorization_terms_parse (const char *data, gsize length, GError **error)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  GVariantDict dict;
  g_autoptr (GVariant) terms = NULL;

  if (length > MAX_FILE_BYTES)
    {
      invalid (error, "%s", "The authorization file is larger than 64 KiB");
      return NULL;
    }
  if (memchr (data, '\0', length) != NULL || !g_utf8_validate (data, (gssize)length, NULL))
    {
      invalid (error, "%s", "The authorization file is not UTF-8 text");
      return NULL;
    }
  text = g_strndup (data, length);
  lines = g_strsplit (text, "\n", -1);
  g_variant_dict_init (&dict, NULL);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      char *colon = strchr (line, ':');
      g_autofree char *where = NULL;

      if (line[0] == '\0' || line[0] == '#')
        continue;
      where = g_strdup_printf ("%u", i + 1);
      if (colon == NULL || colon == line)
        {
          g_variant_dict_clear (&dict);
          invalid (error, _ ("Line %s of the authorization file is not \"field: value\""), where);
          return NULL;
        }
      *colon = '\0';
      g_strstrip (line);
      if (g_hash_table_contains (seen, line))
        {
          g_variant_dict_clear (&dict);
          invalid (error, _ ("Line %s of the authorization file repeats a field"), where);
          return NULL;
        }
      g_hash_table_add (seen, line);
      g_variant_dict_insert (&dict, line, "s", g_strstrip (colon + 1));
    }
  terms = g_variant_ref_sink (g_variant_dict_end (&dict));
  if (!cfd_authorization_terms_check (terms, error))
    return NULL;
  return g_steal_pointer (&terms);
}

static void
cfd_authorization_finalize (GObject *object)
{
  CfdAuthorization *self = CFD_AUTHORIZATION (object);

  g_free (self->id);
  g_free (self->patient_id);
  g_free (self->recorded_by);
  g_free (self->revoked_by);
  g_clear_pointer (&self->terms, g_variant_unref);
  G_OBJECT_CLASS (cfd_authorization_parent_class)->finalize (object);
}

static void
cfd_authorization_class_init (CfdAuthorizationClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cfd_authorization_finalize;
}

static void
cfd_authorization_init (CfdAuthorization *self)
{
}

const char *
cfd_authorization_get_id (CfdAuthorization *self)
{
  return self->id;
}

const char *
cfd_authorization_get_patient_id (CfdAuthorization *self)
{
  return self->patient_id;
}

const char *
cfd_authorization_get_recorded_by (CfdAuthorization *self)
{
  return self->recorded_by;
}

gint64
cfd_authorization_get_created (CfdAuthorization *self)
{
  return self->created;
}

CfdAuthorizationScope
cfd_authorization_get_scope (CfdAuthorization *self)
{
  return self->scope;
}

gint64
cfd_authorization_get_expires (CfdAuthorization *self)
{
  return self->expires;
}

gint64
cfd_authorization_get_revoked_at (CfdAuthorization *self)
{
  return self->revoked_at;
}

const char *
cfd_authorization_get_revoked_by (CfdAuthorization *self)
{
  return self->revoked_by;
}

const char *
cfd_authorization_get_term (CfdAuthorization *self, const char *key)
{
  const char *value = lookup (self->terms, key);

  return value != NULL ? value : "";
}

gboolean
cfd_authorization_is_live (CfdAuthorization *self, gint64 now)
{
  /* The expiry day itself is still covered. */
  return self->revoked_at == 0 && (self->expires == 0 || now < self->expires + DAY);
}

const char *
cfd_authorization_state (CfdAuthorization *self, gint64 now)
{
  if (self->revoked_at != 0)
    return "revoked";
  return cfd_authorization_is_live (self, now) ? "live" : "expired";
}

char *
cfd_authorization_describe (CfdAuthorization *self)
{
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "%s to %s, for %s",
                          self->scope == CFD_AUTHORIZATION_SCOPE_PSYCHOTHERAPY
                              ? "Psychotherapy notes"
                              : "The medical record",
                          cfd_authorization_get_term (self, CFD_AUTHORIZATION_RECIPIENT),
                          cfd_authorization_get_term (self, CFD_AUTHORIZATION_PURPOSE));
  if (self->expires != 0)
    g_string_append_printf (text, ", until %s",
                            cfd_authorization_get_term (self, CFD_AUTHORIZATION_EXPIRES));
  else
    g_string_append_printf (text, ", until %s",
                            cfd_authorization_get_term (self, CFD_AUTHORIZATION_EXPIRY_EVENT));
  g_string_append_printf (text, "; signed by %s on %s",
                          cfd_authorization_get_term (self, CFD_AUTHORIZATION_SIGNED_BY),
                          cfd_authorization_get_term (self, CFD_AUTHORIZATION_SIGNED_ON));
  if (self->revoked_at != 0)
    {
      g_autofree char *when = cfd_date_format (self->revoked_at);

      g_string_append_printf (text, "; revoked on %s", when);
    }
  return g_string_free (text, FALSE);
}

/* What the recording user signs: the row's identity, its clear-text
 * scope and expiry, and a hash of the sealed terms, so re-sealing under
 * a rotated key keeps the signature. */
static CfdAd *
record_message (CfdVault *vault,
                const char *id,
                const char *patient_id,
                const char *recorded_by,
                gint64 created,
                CfdAuthorizationScope scope,
                gint64 expires,
                GVariant *terms)
{
  CfdAd *msg = cfd_ad_new ("confidant/authorization/v1");
  g_autoptr (GBytes) wire = cfd_variant_to_wire (terms);
  guint8 digest[CFD_HASH_BYTES];

  cfd_hash (digest, g_bytes_get_data (wire, NULL), g_bytes_get_size (wire));
  cfd_ad_add_string (msg, cfd_vault_get_id (vault));
  cfd_ad_add_string (msg, id);
  cfd_ad_add_string (msg, patient_id);
  cfd_ad_add_string (msg, recorded_by);
  cfd_ad_add_uint (msg, (guint64)created);
  cfd_ad_add_string (msg, cfd_authorization_scope_to_string (scope));
  cfd_ad_add_uint (msg, (guint64)expires);
  cfd_ad_add_bytes (msg, digest, sizeof digest);
  return msg;
}

static CfdAd *
revocation_message (
    CfdVault *vault, const char *id, const char *patient_id, const char *revoked_by, gint64 when)
{
  CfdAd *msg = cfd_ad_new ("confidant/authorization-revocation/v1");

  cfd_ad_add_string (msg, cfd_vault_get_id (vault));
  cfd_ad_add_string (msg, id);
  cfd_ad_add_string (msg, patient_id);
  cfd_ad_add_string (msg, revoked_by);
  cfd_ad_add_uint (msg, (guint64)when);
  return msg;
}

static void
sign (CfdVault *vault, CfdAd *msg, guint8 signature[CFD_SIGNATURE_BYTES])
{
  gsize len;
  const guint8 *data = cfd_ad_data (msg, &len);

  crypto_sign_detached (signature, NULL, data, len, cfd_vault_get_sign_secret_key (vault));
}

static gboolean
verify (CfdAd *msg, const void *signature, const void *public_key)
{
  gsize len;
  const guint8 *data = cfd_ad_data (msg, &len);

  return crypto_sign_verify_detached (signature, data, len, public_key) == 0;
}

/* The patient's current key version, provided the signed-in user can open it. */
static gboolean
current_version (CfdVault *vault, const char *patient_id, guint *version_out, GError **error)
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
  *version_out = version;
  return cfd_patient_key_get (vault, patient_id, version, error) != NULL;
}

char *
cfd_vault_record_authorization (CfdVault *vault,
                                const char *patient_id,
                                GVariant *terms,
                                GError **error)
{
  g_autofree char *id = NULL;
  g_autoptr (GBytes) sealed = NULL;
  g_autoptr (CfdAd) msg = NULL;
  guint8 signature[CFD_SIGNATURE_BYTES];
  CfdAuthorizationScope scope = CFD_AUTHORIZATION_SCOPE_MEDICAL;
  gint64 now, expires = 0, signed_on = 0;
  guint version = 0;
  CfdDb *db;
  sqlite3_stmt *stmt;

  if (!cfd_vault_require_role (vault, CFD_ROLES_CLINICIANS, "authorization.record", error)
      || !cfd_authorization_terms_check (terms, error))
    return NULL;
  now = cfd_vault_now (vault) / G_USEC_PER_SEC;
  cfd_authorization_scope_from_string (lookup (terms, CFD_AUTHORIZATION_SCOPE), &scope);
  if (lookup (terms, CFD_AUTHORIZATION_EXPIRES) != NULL
      && cfd_date_parse (lookup (terms, CFD_AUTHORIZATION_EXPIRES), &expires)
      && now >= expires + DAY)
    {
      invalid (error, "%s", "The authorization's expiry date has already passed");
      return NULL;
    }
  if (cfd_date_parse (lookup (terms, CFD_AUTHORIZATION_SIGNED_ON), &signed_on) && signed_on > now)
    {
      invalid (error, "%s", "The authorization is dated after today: record it once signed");
      return NULL;
    }
  if (!current_version (vault, patient_id, &version, error))
    return NULL;
  db = cfd_vault_get_db (vault, error);
  id = cfd_new_id ();
  if (!cfd_db_begin (db, error))
    return NULL;
  sealed = cfd_patient_key_seal (vault, patient_id, version, "authorizations", id, 1, terms, error);
  if (sealed == NULL)
    goto failed;
  msg = record_message (vault, id, patient_id, cfd_vault_get_user_id (vault), now, scope, expires,
                        terms);
  sign (vault, msg, signature);
  stmt = cfd_db_prepare (db,
                         "INSERT INTO authorizations (id, patient_id, recorded_by, created, scope, "
                         "expires, key_version, revision, sealed, signature) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
                         error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, patient_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, cfd_vault_get_user_id (vault), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, now);
  sqlite3_bind_text (stmt, 5, cfd_authorization_scope_to_string (scope), -1, SQLITE_STATIC);
  if (expires != 0)
    sqlite3_bind_int64 (stmt, 6, expires);
  else
    sqlite3_bind_null (stmt, 6);
  sqlite3_bind_int64 (stmt, 7, version);
  cfd_db_bind_bytes (stmt, 8, sealed);
  sqlite3_bind_blob (stmt, 9, signature, sizeof signature, SQLITE_TRANSIENT);
  if (!cfd_db_step_done (db, stmt, error)
      || !cfd_vault_audit (vault, "authorization.record", "patient", patient_id, CFD_AUDIT_SUCCESS,
                           id, error)
      || !cfd_db_commit (db, error))
    goto failed;
  return g_steal_pointer (&id);

failed:
  cfd_db_rollback (db);
  return NULL;
}

#define AUTHORIZATION_COLUMNS                                                                   \
  "a.id, a.patient_id, a.recorded_by, a.created, a.scope, coalesce(a.expires, 0), "             \
  "coalesce(a.revoked_at, 0), a.revoked_by, a.key_version, a.revision, a.sealed, a.signature, " \
  "a.revocation_signature, u.role, u.sign_pk, r.role, r.sign_pk"
#define AUTHORIZATION_FROM                                             \
  " FROM authorizations a JOIN temp.roster u ON u.id = a.recorded_by " \
  "LEFT JOIN temp.roster r ON r.id = a.revoked_by "

static gboolean
tampered (GError **error)
{
  g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
               _ ("An authorization record failed verification; the vault may have been tampered "
                  "with"));
  return FALSE;
}

static gboolean
clinician (const char *role)
{
  return g_strcmp0 (role, "owner") == 0 || g_strcmp0 (role, "therapist") == 0;
}

/* Decrypts and verifies one row: the recorder and any revoker may do so,
 * their signatures hold, and the clear-text scope and expiry are the
 * signed ones. */
static CfdAuthorization *
authorization_from_row (CfdVault *vault, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr (CfdAuthorization) a = g_object_new (CFD_TYPE_AUTHORIZATION, NULL);
  g_autoptr (GBytes) sealed = cfd_db_column_bytes (stmt, 10);
  g_autoptr (CfdAd) msg = NULL;
  gint64 signed_expires = 0;
  CfdAuthorizationScope signed_scope;

  a->id = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  a->patient_id = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
  a->recorded_by = g_strdup ((const char *)sqlite3_column_text (stmt, 2));
  a->created = sqlite3_column_int64 (stmt, 3);
  a->expires = sqlite3_column_int64 (stmt, 5);
  a->revoked_at = sqlite3_column_int64 (stmt, 6);
  a->revoked_by = g_strdup ((const char *)sqlite3_column_text (stmt, 7));
  if (!cfd_authorization_scope_from_string ((const char *)sqlite3_column_text (stmt, 4), &a->scope))
    {
      tampered (error);
      return NULL;
    }
  a->terms = cfd_patient_key_unseal (
      vault, a->patient_id, (guint)sqlite3_column_int64 (stmt, 8), "authorizations", a->id,
      (guint64)sqlite3_column_int64 (stmt, 9), sealed, TERMS_TYPE, error);
  if (a->terms == NULL)
    return NULL;
  if (lookup (a->terms, CFD_AUTHORIZATION_EXPIRES) != NULL
      && !cfd_date_parse (lookup (a->terms, CFD_AUTHORIZATION_EXPIRES), &signed_expires))
    signed_expires = -1;
  if (!clinician ((const char *)sqlite3_column_text (stmt, 13))
      || sqlite3_column_bytes (stmt, 11) != CFD_SIGNATURE_BYTES
      || sqlite3_column_bytes (stmt, 14) != CFD_SIGN_PK_BYTES || signed_expires != a->expires
      || !cfd_authorization_scope_from_string (lookup (a->terms, CFD_AUTHORIZATION_SCOPE),
                                               &signed_scope)
      || signed_scope != a->scope)
    {
      tampered (error);
      return NULL;
    }
  msg = record_message (vault, a->id, a->patient_id, a->recorded_by, a->created, a->scope,
                        a->expires, a->terms);
  if (!verify (msg, sqlite3_column_blob (stmt, 11), sqlite3_column_blob (stmt, 14)))
    {
      tampered (error);
      return NULL;
    }
  if (a->revoked_at != 0)
    {
      g_autoptr (CfdAd) revocation = NULL;

      if (a->revoked_by == NULL || !clinician ((const char *)sqlite3_column_text (stmt, 15))
          || sqlite3_column_bytes (stmt, 12) != CFD_SIGNATURE_BYTES
          || sqlite3_column_bytes (stmt, 16) != CFD_SIGN_PK_BYTES)
        {
          tampered (error);
          return NULL;
        }
      revocation = revocation_message (vault, a->id, a->patient_id, a->revoked_by, a->revoked_at);
      if (!verify (revocation, sqlite3_column_blob (stmt, 12), sqlite3_column_blob (stmt, 16)))
        {
          tampered (error);
          return NULL;
        }
    }
  return g_steal_pointer (&a);
}

static GListStore *
query (CfdVault *vault, const char *where, const char *value, GError **error)
{
  g_autoptr (GListStore) store = g_list_store_new (CFD_TYPE_AUTHORIZATION);
  g_autofree char *sql = g_strconcat ("SELECT " AUTHORIZATION_COLUMNS AUTHORIZATION_FROM, where,
                                      " ORDER BY a.created DESC, a.id", NULL);
  CfdDb *db = cfd_vault_get_db (vault, error);
  sqlite3_stmt *stmt;
  int rc;

  if (db == NULL)
    return NULL;
  stmt = cfd_db_prepare (db, sql, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, value, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr (CfdAuthorization) a = authorization_from_row (vault, stmt, error);

      if (a == NULL)
        {
          sqlite3_reset (stmt);
          return NULL;
        }
      g_list_store_append (store, a);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "reading authorizations", error);
      return NULL;
    }
  return g_steal_pointer (&store);
}

/* One authorization, verified, without auditing; NOT_FOUND when there is
 * none of that id, or one a row the roster does not vouch for. */
static CfdAuthorization *
load (CfdVault *vault, const char *id, GError **error)
{
  g_autoptr (GListStore) found = query (vault, "WHERE a.id = ?", id, error);

  if (found == NULL)
    return NULL;
  if (g_list_model_get_n_items (G_LIST_MODEL (found)) == 0)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_FOUND, _ ("No authorization %s is recorded"),
                   id);
      return NULL;
    }
  return g_list_model_get_item (G_LIST_MODEL (found), 0);
}

GListModel *
cfd_vault_list_authorizations (CfdVault *vault, const char *patient_id, GError **error)
{
  g_autoptr (GListStore) store = NULL;
  guint version;
  CfdDb *db;

  if (!cfd_vault_require_role (vault, CFD_ROLES_CLINICIANS, "authorization.list", error)
      || !current_version (vault, patient_id, &version, error))
    return NULL;
  store = query (vault, "WHERE a.patient_id = ?", patient_id, error);
  if (store == NULL)
    return NULL;
  db = cfd_vault_get_db (vault, error);
  if (!cfd_db_begin (db, error)
      || !cfd_vault_audit (vault, "authorization.list", "patient", patient_id, CFD_AUDIT_SUCCESS,
                           NULL, error)
      || !cfd_db_commit (db, error))
    {
      cfd_db_rollback (db);
      return NULL;
    }
  return G_LIST_MODEL (g_steal_pointer (&store));
}

gboolean
cfd_vault_revoke_authorization (CfdVault *vault, const char *authorization_id, GError **error)
{
  g_autoptr (CfdAuthorization) a = NULL;
  g_autoptr (CfdAd) msg = NULL;
  guint8 signature[CFD_SIGNATURE_BYTES];
  gint64 now;
  guint version;
  CfdDb *db;
  sqlite3_stmt *stmt;

  if (!cfd_vault_require_role (vault, CFD_ROLES_CLINICIANS, "authorization.revoke", error))
    return FALSE;
  a = load (vault, authorization_id, error);
  if (a == NULL || !current_version (vault, a->patient_id, &version, error))
    return FALSE;
  if (a->revoked_at != 0)
    {
      g_autofree char *when = cfd_date_format (a->revoked_at);

      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("The authorization was already revoked on %s"), when);
      return FALSE;
    }
  now = cfd_vault_now (vault) / G_USEC_PER_SEC;
  msg = revocation_message (vault, a->id, a->patient_id, cfd_vault_get_user_id (vault), now);
  sign (vault, msg, signature);
  db = cfd_vault_get_db (vault, error);
  if (!cfd_db_begin (db, error))
    return FALSE;
  stmt = cfd_db_prepare (db,
                         "UPDATE authorizations SET revoked_at = ?, revoked_by = ?, "
                         "revocation_signature = ? WHERE id = ? AND revoked_at IS NULL",
                         error);
  if (stmt == NULL)
    goto failed;
  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_bind_text (stmt, 2, cfd_vault_get_user_id (vault), -1, SQLITE_TRANSIENT);
  sqlite3_bind_blob (stmt, 3, signature, sizeof signature, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, a->id, -1, SQLITE_TRANSIENT);
  if (!cfd_db_step_done (db, stmt, error)
      || !cfd_vault_audit (vault, "authorization.revoke", "patient", a->patient_id,
                           CFD_AUDIT_SUCCESS, a->id, error)
      || !cfd_db_commit (db, error))
    goto failed;
  return TRUE;

failed:
  cfd_db_rollback (db);
  return FALSE;
}

gboolean
cfd_vault_check_psychotherapy_authorization (CfdVault *vault,
                                             const char *patient_id,
                                             const char *authorization_id,
                                             GError **error)
{
  g_autoptr (CfdAuthorization) a = NULL;
  g_autoptr (GError) local_error = NULL;
  gint64 now = cfd_vault_now (vault) / G_USEC_PER_SEC;

  a = load (vault, authorization_id, &local_error);
  if (a == NULL || g_strcmp0 (a->patient_id, patient_id) != 0)
    {
      if (a == NULL && !g_error_matches (local_error, CFD_ERROR, CFD_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_set_error (
          error, CFD_ERROR, CFD_ERROR_NOT_FOUND,
          _ ("No authorization %s of this patient is recorded (confidant-cli authorization "
             "add records one)"),
          authorization_id);
      return FALSE;
    }
  if (a->revoked_at != 0)
    {
      g_autofree char *when = cfd_date_format (a->revoked_at);

      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED,
                   _ ("The authorization %s was revoked on %s: it covers no disclosure"),
                   authorization_id, when);
      return FALSE;
    }
  if (!cfd_authorization_is_live (a, now))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED,
                   _ ("The authorization %s expired on %s"), authorization_id,
                   cfd_authorization_get_term (a, CFD_AUTHORIZATION_EXPIRES));
      return FALSE;
    }
  if (a->scope != CFD_AUTHORIZATION_SCOPE_PSYCHOTHERAPY)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_NOT_PERMITTED,
                   _ ("The authorization %s covers the medical record, not psychotherapy notes (45 "
                      "CFR 164.508(a)(2) needs one for psychotherapy notes)"),
                   authorization_id);
      return FALSE;
    }
  return TRUE;
}
