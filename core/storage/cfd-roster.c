/* cfd-roster.c: the signed roster. Anyone with the database key can edit
 * the users table, and anyone who can write the vault folder can edit the
 * keyring's clear-text entries; the roster is what the owner signed, checked
 * against the owner key each user pinned with their own passphrase. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include <sodium.h>

#include "cfd-error.h"
#include "cfd-roster.h"

#define ROSTER_TYPE  "(ayay)"
#define BODY_TYPE_V1 "(stxa(sssayayxs))"
/* Version 2 adds each user's retired key pairs and their removal. Its first
 * byte is the version (2), where a version 1 body starts with the vault id's
 * first hex digit: the two never look alike. */
#define ENTRY_TYPE_V2   "(sssayayxsa(ayayx)xs)"
#define BODY_TYPE_V2    "(ystxa" ENTRY_TYPE_V2 ")"
#define VERSION_2       2
#define MAX_NAME_BYTES  256
#define MAX_ENTRIES     10000
#define MAX_RETIRED     1000
#define SIGNATURE_BYTES crypto_sign_BYTES

static void
entry_free (gpointer data)
{
  CfdRosterEntry *entry = data;

  g_free (entry->id);
  g_free (entry->name);
  g_free (entry->added_by);
  g_free (entry->removed_by);
  g_array_unref (entry->retired_keys);
  g_free (entry);
}

static CfdRosterEntry *
entry_new (void)
{
  CfdRosterEntry *entry = g_new0 (CfdRosterEntry, 1);

  entry->retired_keys = g_array_new (FALSE, TRUE, sizeof (CfdRosterRetiredKey));
  return entry;
}

CfdRoster *
cfd_roster_new (const char *vault_id)
{
  CfdRoster *roster = g_new0 (CfdRoster, 1);

  roster->vault_id = g_strdup (vault_id);
  roster->entries = g_ptr_array_new_with_free_func (entry_free);
  return roster;
}

void
cfd_roster_free (CfdRoster *roster)
{
  if (roster == NULL)
    return;
  g_free (roster->vault_id);
  g_ptr_array_unref (roster->entries);
  g_free (roster);
}

CfdRosterEntry *
cfd_roster_add (CfdRoster *roster,
                const char *id,
                const char *name,
                CfdRole role,
                const guint8 box_pk[CFD_BOX_PK_BYTES],
                const guint8 sign_pk[CFD_SIGN_PK_BYTES],
                gint64 added,
                const char *added_by)
{
  CfdRosterEntry *entry = entry_new ();

  entry->id = g_strdup (id);
  entry->name = g_strdup (name);
  entry->role = role;
  memcpy (entry->box_pk, box_pk, CFD_BOX_PK_BYTES);
  memcpy (entry->sign_pk, sign_pk, CFD_SIGN_PK_BYTES);
  entry->added = added;
  entry->added_by = g_strdup (added_by);
  g_ptr_array_add (roster->entries, entry);
  return entry;
}

const CfdRosterEntry *
cfd_roster_find (const CfdRoster *roster, const char *id)
{
  for (guint i = 0; i < roster->entries->len; i++)
    {
      const CfdRosterEntry *entry = g_ptr_array_index (roster->entries, i);

      if (strcmp (entry->id, id) == 0)
        return entry;
    }
  return NULL;
}

CfdRosterEntry *
cfd_roster_find_mutable (CfdRoster *roster, const char *id)
{
  return (CfdRosterEntry *)cfd_roster_find (roster, id);
}

gboolean
cfd_roster_entry_knows_sign_pk (const CfdRosterEntry *e, const guint8 pk[CFD_SIGN_PK_BYTES])
{
  gboolean known = cfd_constant_time_equal (e->sign_pk, pk, CFD_SIGN_PK_BYTES);

  for (guint i = 0; i < e->retired_keys->len; i++)
    known |= cfd_constant_time_equal (
        g_array_index (e->retired_keys, CfdRosterRetiredKey, i).sign_pk, pk, CFD_SIGN_PK_BYTES);
  return known;
}

void
cfd_roster_entry_retire_keys (CfdRosterEntry *e,
                              const guint8 new_box_pk[CFD_BOX_PK_BYTES],
                              const guint8 new_sign_pk[CFD_SIGN_PK_BYTES],
                              gint64 now)
{
  CfdRosterRetiredKey old = { .retired = now };

  memcpy (old.box_pk, e->box_pk, CFD_BOX_PK_BYTES);
  memcpy (old.sign_pk, e->sign_pk, CFD_SIGN_PK_BYTES);
  g_array_append_val (e->retired_keys, old);
  memcpy (e->box_pk, new_box_pk, CFD_BOX_PK_BYTES);
  memcpy (e->sign_pk, new_sign_pk, CFD_SIGN_PK_BYTES);
}

void
cfd_roster_entry_mark_removed (CfdRosterEntry *e, const char *by, gint64 now)
{
  e->removed = now;
  g_free (e->removed_by);
  e->removed_by = g_strdup (by);
}

static GVariant *
fixed_bytes (const guint8 *data, gsize len)
{
  return g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, data, len, 1);
}

static CfdAd *
signed_message (guint version, const char *vault_id, GBytes *body)
{
  CfdAd *ad = cfd_ad_new (version == VERSION_2 ? "confidant/roster/v2" : "confidant/roster/v1");
  gsize len;
  const guint8 *data = g_bytes_get_data (body, &len);

  cfd_ad_add_string (ad, vault_id);
  cfd_ad_add_bytes (ad, data, len);
  return ad;
}

GBytes *
cfd_roster_sign (CfdRoster *roster, gint64 issued, const guint8 sign_sk[CFD_SIGN_SK_BYTES])
{
  GVariantBuilder entries;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (CfdAd) message = NULL;
  guint8 signature[SIGNATURE_BYTES];
  const guint8 *message_data;
  gsize message_len, body_len;
  const guint8 *body_data;

  roster->seq++;
  roster->issued = issued;
  g_variant_builder_init (&entries, G_VARIANT_TYPE ("a" ENTRY_TYPE_V2));
  for (guint i = 0; i < roster->entries->len; i++)
    {
      const CfdRosterEntry *entry = g_ptr_array_index (roster->entries, i);
      GVariantBuilder retired;

      g_variant_builder_init (&retired, G_VARIANT_TYPE ("a(ayayx)"));
      for (guint k = 0; k < entry->retired_keys->len; k++)
        {
          const CfdRosterRetiredKey *key
              = &g_array_index (entry->retired_keys, CfdRosterRetiredKey, k);

          g_variant_builder_add (&retired, "(@ay@ayx)", fixed_bytes (key->box_pk, CFD_BOX_PK_BYTES),
                                 fixed_bytes (key->sign_pk, CFD_SIGN_PK_BYTES), key->retired);
        }
      g_variant_builder_add (
          &entries, "(sss@ay@ayxsa(ayayx)xs)", entry->id, entry->name,
          cfd_role_to_string (entry->role), fixed_bytes (entry->box_pk, CFD_BOX_PK_BYTES),
          fixed_bytes (entry->sign_pk, CFD_SIGN_PK_BYTES), entry->added, entry->added_by, &retired,
          entry->removed, entry->removed_by != NULL ? entry->removed_by : "");
    }
  body = cfd_variant_to_wire (g_variant_new (BODY_TYPE_V2, (guint8)VERSION_2, roster->vault_id,
                                             roster->seq, issued, &entries));

  message = signed_message (VERSION_2, roster->vault_id, body);
  message_data = cfd_ad_data (message, &message_len);
  crypto_sign_detached (signature, NULL, message_data, message_len, sign_sk);

  body_data = g_bytes_get_data (body, &body_len);
  return cfd_variant_to_wire (g_variant_new ("(@ay@ay)", fixed_bytes (body_data, body_len),
                                             fixed_bytes (signature, SIGNATURE_BYTES)));
}

static gboolean
is_valid_id (const char *id)
{
  if (strlen (id) != 32)
    return FALSE;
  for (const char *p = id; *p; p++)
    if (!g_ascii_isxdigit (*p) || g_ascii_isupper (*p))
      return FALSE;
  return TRUE;
}

static gpointer
damaged (GError **error, const char *what)
{
  g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
               _ ("The vault's signed roster is not valid (%s)"), what);
  return NULL;
}

static gboolean
copy_fixed (GVariant *value, guint8 *out, gsize len)
{
  gsize got = 0;
  const guint8 *data = g_variant_get_fixed_array (value, &got, 1);

  if (got != len)
    return FALSE;
  memcpy (out, data, len);
  return TRUE;
}

/* The version a body claims: 2 by its first byte, else 1. Only picks the
 * signed message's domain and the type to read; the signature decides. */
static guint
body_version (GBytes *body)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (body, &len);

  return len > 0 && data[0] == VERSION_2 ? VERSION_2 : 1;
}

/* The fields of one entry both versions share. */
static gpointer
read_entry_keys (CfdRoster *roster,
                 CfdRosterEntry *entry,
                 const char *role,
                 GVariant *box_pk,
                 GVariant *sign_pk,
                 GError **error)
{
  if (!is_valid_id (entry->id) || cfd_roster_find (roster, entry->id) != entry)
    return damaged (error, "a user id is invalid or repeated");
  if (*entry->name == '\0' || strlen (entry->name) > MAX_NAME_BYTES)
    return damaged (error, "a user name is invalid");
  if (!cfd_role_from_string (role, &entry->role))
    return damaged (error, "a user role is unknown");
  if (!copy_fixed (box_pk, entry->box_pk, CFD_BOX_PK_BYTES)
      || !copy_fixed (sign_pk, entry->sign_pk, CFD_SIGN_PK_BYTES))
    return damaged (error, "a key has the wrong size");
  if (!is_valid_id (entry->added_by))
    return damaged (error, "an entry names no valid signer");
  return entry;
}

/* Version 2's additions: key pairs oldest first, and a removal that is
 * either wholly absent (0, "") or names a time and the owner's id. */
static gpointer
read_entry_history (CfdRosterEntry *entry,
                    GVariant *retired,
                    const char *removed_by,
                    GError **error)
{
  GVariantIter iter;
  GVariant *child;
  gint64 previous = G_MININT64;

  if (g_variant_n_children (retired) > MAX_RETIRED)
    return damaged (error, "too many retired keys");
  g_variant_iter_init (&iter, retired);
  while ((child = g_variant_iter_next_value (&iter)))
    {
      g_autoptr (GVariant) owned = child;
      g_autoptr (GVariant) box_pk = NULL, sign_pk = NULL;
      CfdRosterRetiredKey key = { 0 };

      g_variant_get (child, "(@ay@ayx)", &box_pk, &sign_pk, &key.retired);
      if (!copy_fixed (box_pk, key.box_pk, CFD_BOX_PK_BYTES)
          || !copy_fixed (sign_pk, key.sign_pk, CFD_SIGN_PK_BYTES))
        return damaged (error, "a retired key has the wrong size");
      if (key.retired < previous)
        return damaged (error, "retired keys are out of order");
      previous = key.retired;
      g_array_append_val (entry->retired_keys, key);
    }
  if ((entry->removed == 0) != (*removed_by == '\0'))
    return damaged (error, "a removal is incomplete");
  if (entry->removed != 0)
    {
      if (!is_valid_id (removed_by))
        return damaged (error, "a removal names no valid owner");
      entry->removed_by = g_strdup (removed_by);
    }
  return entry;
}

CfdRoster *
cfd_roster_parse_body (GBytes *body, GError **error)
{
  guint version = body_version (body);
  g_autoptr (GVariant) value = cfd_variant_from_wire (
      G_VARIANT_TYPE (version == VERSION_2 ? BODY_TYPE_V2 : BODY_TYPE_V1), body);
  g_autoptr (GVariant) entries = NULL;
  g_autoptr (CfdRoster) roster = NULL;
  GVariantIter iter;
  GVariant *child;
  guint owners = 0;

  if (value == NULL)
    return damaged (error, "malformed contents");
  roster = cfd_roster_new (NULL);
  if (version == VERSION_2)
    g_variant_get (value, "(ystx@a" ENTRY_TYPE_V2 ")", NULL, &roster->vault_id, &roster->seq,
                   &roster->issued, &entries);
  else
    g_variant_get (value, "(stx@a(sssayayxs))", &roster->vault_id, &roster->seq, &roster->issued,
                   &entries);
  if (!is_valid_id (roster->vault_id))
    return damaged (error, "invalid vault id");
  if (g_variant_n_children (entries) > MAX_ENTRIES)
    return damaged (error, "too many users");

  g_variant_iter_init (&iter, entries);
  while ((child = g_variant_iter_next_value (&iter)))
    {
      g_autoptr (GVariant) owned = child;
      g_autoptr (GVariant) box_pk = NULL, sign_pk = NULL, retired = NULL;
      CfdRosterEntry *entry = entry_new ();
      const char *role = NULL, *removed_by = NULL;

      g_ptr_array_add (roster->entries, entry);
      if (version == VERSION_2)
        g_variant_get (child, "(ss&s@ay@ayxs@a(ayayx)x&s)", &entry->id, &entry->name, &role,
                       &box_pk, &sign_pk, &entry->added, &entry->added_by, &retired,
                       &entry->removed, &removed_by);
      else
        g_variant_get (child, "(ss&s@ay@ayxs)", &entry->id, &entry->name, &role, &box_pk, &sign_pk,
                       &entry->added, &entry->added_by);
      if (read_entry_keys (roster, entry, role, box_pk, sign_pk, error) == NULL)
        return NULL;
      if (version == VERSION_2 && read_entry_history (entry, retired, removed_by, error) == NULL)
        return NULL;
      if (entry->role == CFD_ROLE_OWNER)
        {
          if (entry->removed != 0)
            return damaged (error, "its owner is removed");
          owners++;
        }
    }
  if (owners != 1)
    return damaged (error, "it does not name exactly one owner");
  return g_steal_pointer (&roster);
}

CfdRoster *
cfd_roster_verify (GBytes *document,
                   const char *vault_id,
                   const guint8 owner_sign_pk[CFD_SIGN_PK_BYTES],
                   GError **error)
{
  g_autoptr (GVariant) value = NULL;
  g_autoptr (GVariant) body_value = NULL, signature = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (CfdAd) message = NULL;
  g_autoptr (CfdRoster) roster = NULL;
  const guint8 *message_data, *signature_data;
  gsize message_len, signature_len = 0, body_len = 0;
  const guint8 *body_data;

  value = cfd_variant_from_wire (G_VARIANT_TYPE (ROSTER_TYPE), document);
  if (value == NULL)
    return damaged (error, "malformed document");
  g_variant_get (value, "(@ay@ay)", &body_value, &signature);
  signature_data = g_variant_get_fixed_array (signature, &signature_len, 1);
  if (signature_len != SIGNATURE_BYTES)
    return damaged (error, "the signature has the wrong size");
  body_data = g_variant_get_fixed_array (body_value, &body_len, 1);
  body = g_bytes_new (body_data, body_len);

  /* The signature first: nothing unsigned is read. */
  message = signed_message (body_version (body), vault_id, body);
  message_data = cfd_ad_data (message, &message_len);
  if (crypto_sign_verify_detached (signature_data, message_data, message_len, owner_sign_pk) != 0)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
                   _ ("The vault's roster is not signed by the owner this user trusts"));
      return NULL;
    }

  roster = cfd_roster_parse_body (body, error);
  if (roster == NULL)
    return NULL;
  if (strcmp (roster->vault_id, vault_id) != 0)
    return damaged (error, "it belongs to another vault");
  for (guint i = 0; i < roster->entries->len; i++)
    {
      const CfdRosterEntry *entry = g_ptr_array_index (roster->entries, i);

      if (entry->role == CFD_ROLE_OWNER
          && !cfd_constant_time_equal (entry->sign_pk, owner_sign_pk, CFD_SIGN_PK_BYTES))
        return damaged (error, "its owner is not the owner who signed it");
    }
  {
    gsize document_len;
    const guint8 *document_data = g_bytes_get_data (document, &document_len);

    cfd_hash (roster->document_hash, document_data, document_len);
  }
  return g_steal_pointer (&roster);
}
