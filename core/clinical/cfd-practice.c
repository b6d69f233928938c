/* cfd-practice.c: the practice profile: name, address, phone and the clinicians' credentials. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "cfd-practice.h"
#include "cfd-vault-private.h"

#define PRACTICE_GROUP   "Practice"
#define CLINICIAN_PREFIX "Clinician "
#define MAX_VALUE_CHARS  500
#define MAX_CLINICIANS   200
/* The profile is stored under this vault_meta key. */
#define META_KEY "practice"

struct _CfdPractice
{
  GKeyFile *file;
  /* "group/key" -> the copy last handed out, so getters can lend strings. */
  GHashTable *lent;
};

CfdPractice *
cfd_practice_new (void)
{
  CfdPractice *self = g_new0 (CfdPractice, 1);

  self->file = g_key_file_new ();
  self->lent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return self;
}

void
cfd_practice_free (CfdPractice *self)
{
  if (self == NULL)
    return;
  g_key_file_unref (self->file);
  g_hash_table_unref (self->lent);
  g_free (self);
}

static gboolean invalid (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError **error, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (CFD_ERROR, CFD_ERROR_INVALID_INPUT, format, args));
  va_end (args);
  return FALSE;
}

/* Printable text of a sensible length; only the address may span lines. */
static gboolean
check_value (const char *key, const char *value, gboolean multiline, GError **error)
{
  if (!g_utf8_validate (value, -1, NULL))
    return invalid (error, _ ("The practice profile's %s is not UTF-8 text"), key);
  if (g_utf8_strlen (value, -1) > MAX_VALUE_CHARS)
    return invalid (error, _ ("The practice profile's %s is longer than 500 characters"), key);
  for (const char *p = value; *p != '\0'; p++)
    if ((guchar)*p < 0x20 && !(multiline && *p == '\n'))
      return invalid (error, _ ("The practice profile's %s holds a control character"), key);
  return TRUE;
}

static gboolean
check_keys (GKeyFile *file, const char *group, const char *const *allowed, GError **error)
{
  g_auto (GStrv) keys = g_key_file_get_keys (file, group, NULL, NULL);

  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      g_autofree char *value = NULL;

      if (!g_strv_contains (allowed, keys[i]))
        return invalid (error, _ ("The practice profile has an unknown key: %s"), keys[i]);
      value = g_key_file_get_string (file, group, keys[i], NULL);
      if (value == NULL || !check_value (keys[i], value, strcmp (keys[i], "Address") == 0, error))
        return value == NULL
                   ? invalid (error, _ ("The practice profile's %s cannot be read"), keys[i])
                   : FALSE;
      if (strcmp (keys[i], "NPI") == 0)
        {
          /* A US National Provider Identifier is ten digits. */
          gboolean digits = strlen (value) == 10;

          for (guint j = 0; digits && value[j] != '\0'; j++)
            digits = g_ascii_isdigit (value[j]);
          if (!digits)
            return invalid (error, _ ("The NPI of %s must be ten digits"), group);
        }
    }
  return TRUE;
}

static gboolean
check_file (GKeyFile *file, GError **error)
{
  static const char *const practice_keys[] = { "Name", "Address", "Phone", NULL };
  static const char *const clinician_keys[] = { "Credentials", "NPI", NULL };
  g_auto (GStrv) groups = g_key_file_get_groups (file, NULL);
  guint clinicians = 0;

  for (guint i = 0; groups[i] != NULL; i++)
    {
      if (strcmp (groups[i], PRACTICE_GROUP) == 0)
        {
          if (!check_keys (file, groups[i], practice_keys, error))
            return FALSE;
        }
      else if (g_str_has_prefix (groups[i], CLINICIAN_PREFIX)
               && groups[i][strlen (CLINICIAN_PREFIX)] != '\0')
        {
          if (++clinicians > MAX_CLINICIANS
              || !check_value ("clinician's name", groups[i], FALSE, error)
              || !check_keys (file, groups[i], clinician_keys, error))
            return clinicians > MAX_CLINICIANS ? invalid (
                       error, _ ("The practice profile names more than %s clinicians"), "200")
                                               : FALSE;
        }
      else
        return invalid (error, _ ("The practice profile has an unknown section: [%s]"), groups[i]);
    }
  return TRUE;
}

CfdPractice *
cfd_practice_new_from_data (const char *data, gsize length, GError **error)
{
  g_autoptr (CfdPractice) self = cfd_practice_new ();
  g_autoptr (GError) parse_error = NULL;

  if (length > 256 * 1024)
    {
      g_set_error_literal (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                           _ ("The practice profile is larger than 256 KiB"));
      return NULL;
    }
  if (!g_key_file_load_from_data (self->file, data, length, G_KEY_FILE_NONE, &parse_error))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("The practice profile is not a key file: %s"), parse_error->message);
      return NULL;
    }
  if (!check_file (self->file, error))
    return NULL;
  return g_steal_pointer (&self);
}

char *
cfd_practice_to_data (CfdPractice *self, gsize *length)
{
  return g_key_file_to_data (self->file, length, NULL);
}

static const char *
lookup (CfdPractice *self, const char *group, const char *key)
{
  /* GKeyFile hands out copies; the profile keeps them, so callers borrow. */
  char *value = g_key_file_get_string (self->file, group, key, NULL);

  if (value == NULL || value[0] == '\0')
    {
      g_free (value);
      return NULL;
    }
  g_autofree char *slot = g_strdup_printf ("%s/%s", group, key);
  const char *lent = g_hash_table_lookup (self->lent, slot);

  /* A string lent before stays valid until the value changes. */
  if (g_strcmp0 (lent, value) == 0)
    {
      g_free (value);
      return lent;
    }
  g_hash_table_replace (self->lent, g_steal_pointer (&slot), value);
  return value;
}

const char *
cfd_practice_get_name (CfdPractice *self)
{
  return lookup (self, PRACTICE_GROUP, "Name");
}

const char *
cfd_practice_get_address (CfdPractice *self)
{
  return lookup (self, PRACTICE_GROUP, "Address");
}

const char *
cfd_practice_get_phone (CfdPractice *self)
{
  return lookup (self, PRACTICE_GROUP, "Phone");
}

gboolean
cfd_practice_is_empty (CfdPractice *self)
{
  gsize n_groups = 0;
  g_auto (GStrv) groups = g_key_file_get_groups (self->file, &n_groups);

  return n_groups == 0;
}

static void
set_value (CfdPractice *self, const char *key, const char *value)
{
  if (value == NULL || value[0] == '\0')
    g_key_file_remove_key (self->file, PRACTICE_GROUP, key, NULL);
  else
    g_key_file_set_string (self->file, PRACTICE_GROUP, key, value);
}

void
cfd_practice_set_name (CfdPractice *self, const char *name)
{
  set_value (self, "Name", name);
}

void
cfd_practice_set_address (CfdPractice *self, const char *address)
{
  set_value (self, "Address", address);
}

void
cfd_practice_set_phone (CfdPractice *self, const char *phone)
{
  set_value (self, "Phone", phone);
}

char **
cfd_practice_list_clinicians (CfdPractice *self)
{
  g_auto (GStrv) groups = g_key_file_get_groups (self->file, NULL);
  g_autoptr (GStrvBuilder) names = g_strv_builder_new ();

  for (guint i = 0; groups[i] != NULL; i++)
    if (g_str_has_prefix (groups[i], CLINICIAN_PREFIX))
      g_strv_builder_add (names, groups[i] + strlen (CLINICIAN_PREFIX));
  return g_strv_builder_end (names);
}

const char *
cfd_practice_get_credentials (CfdPractice *self, const char *user_name)
{
  g_autofree char *group = g_strconcat (CLINICIAN_PREFIX, user_name, NULL);

  return lookup (self, group, "Credentials");
}

const char *
cfd_practice_get_npi (CfdPractice *self, const char *user_name)
{
  g_autofree char *group = g_strconcat (CLINICIAN_PREFIX, user_name, NULL);

  return lookup (self, group, "NPI");
}

CfdPractice *
cfd_vault_get_practice (CfdVault *vault, GError **error)
{
  CfdDb *db = cfd_vault_get_db (vault, error);
  sqlite3_stmt *stmt;
  g_autofree char *data = NULL;
  int rc;

  if (db == NULL)
    return NULL;
  stmt = cfd_db_prepare (db, "SELECT value FROM vault_meta WHERE key = '" META_KEY "'", error);
  if (stmt == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    data = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "reading the practice profile", error);
      return NULL;
    }
  if (data == NULL)
    return cfd_practice_new ();
  return cfd_practice_new_from_data (data, strlen (data), error);
}

gboolean
cfd_vault_set_practice (CfdVault *vault, CfdPractice *practice, GError **error)
{
  CfdDb *db;
  g_autoptr (GPtrArray) users = NULL;
  g_auto (GStrv) clinicians = NULL;
  g_autofree char *data = NULL;
  g_autoptr (CfdPractice) checked = NULL;
  sqlite3_stmt *stmt;
  gsize length = 0;

  if (!cfd_vault_require_role (vault, CFD_ROLES_OWNER, "settings.change", error))
    return FALSE;
  db = cfd_vault_get_db (vault, error);
  data = cfd_practice_to_data (practice, &length);
  /* What the setters built is held to the same rules as a file. */
  checked = cfd_practice_new_from_data (data, length, error);
  if (checked == NULL)
    return FALSE;
  users = cfd_vault_list_users (vault);
  clinicians = cfd_practice_list_clinicians (practice);
  for (guint i = 0; clinicians[i] != NULL; i++)
    {
      gboolean known = FALSE;

      for (guint j = 0; j < users->len && !known; j++)
        known = g_strcmp0 (((CfdUserInfo *)g_ptr_array_index (users, j))->name, clinicians[i]) == 0;
      if (!known)
        return invalid (error, _ ("The practice profile names %s, who is not a user of this vault"),
                        clinicians[i]);
    }

  if (!cfd_db_begin (db, error))
    return FALSE;
  stmt = cfd_db_prepare (
      db, "INSERT OR REPLACE INTO vault_meta (key, value) VALUES ('" META_KEY "', ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, data, (int)length, SQLITE_TRANSIENT);
  if (!cfd_db_step_done (db, stmt, error)
      || !cfd_vault_audit (vault, "settings.change", "settings", META_KEY, CFD_AUDIT_SUCCESS, NULL,
                           error)
      || !cfd_db_commit (db, error))
    goto fail;
  return TRUE;

fail:
  cfd_db_rollback (db);
  return FALSE;
}
