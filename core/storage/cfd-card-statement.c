/* cfd-card-statement.c: the signed statement that puts a supervisor known
 * by card only into a vault's trust. The users and supervisor_cards rows of
 * such a supervisor can be edited by anyone with the database key; what the
 * statement's signer saw (the keys whose fingerprint was compared when the
 * card was imported) is what consents, capsules and replies use. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include <sodium.h>

#include "cfd-card-statement.h"
#include "cfd-error.h"

#define DOCUMENT_TYPE         "(sayay)"
#define BODY_TYPE             "(sssayaysxs)"
#define MAX_NAME_BYTES        256
#define MAX_FINGERPRINT_BYTES 128
#define SIGNATURE_BYTES       crypto_sign_BYTES

void
cfd_card_statement_free (CfdCardStatement *statement)
{
  if (statement == NULL)
    return;
  g_free (statement->vault_id);
  g_free (statement->supervisor_id);
  g_free (statement->name);
  g_free (statement->fingerprint);
  g_free (statement->imported_by);
  g_free (statement);
}

static GVariant *
fixed_bytes (const guint8 *data, gsize len)
{
  return g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, data, len, 1);
}

/* The signer's id is outside the body so that the signature is checked
 * before the body is read; the body names the same signer. */
static CfdAd *
signed_message (const char *vault_id, const char *signer_id, const guint8 *body, gsize body_len)
{
  CfdAd *ad = cfd_ad_new ("confidant/card-supervisor/v1");

  cfd_ad_add_string (ad, vault_id);
  cfd_ad_add_string (ad, signer_id);
  cfd_ad_add_bytes (ad, body, body_len);
  return ad;
}

GBytes *
cfd_card_statement_sign (const CfdCardStatement *statement, const guint8 sign_sk[CFD_SIGN_SK_BYTES])
{
  g_autoptr (GBytes) body = NULL;
  g_autoptr (CfdAd) message = NULL;
  guint8 signature[SIGNATURE_BYTES];
  const guint8 *message_data, *body_data;
  gsize message_len, body_len;

  body = cfd_variant_to_wire (
      g_variant_new ("(sss@ay@aysxs)", statement->vault_id, statement->supervisor_id,
                     statement->name, fixed_bytes (statement->box_pk, CFD_BOX_PK_BYTES),
                     fixed_bytes (statement->sign_pk, CFD_SIGN_PK_BYTES), statement->fingerprint,
                     statement->imported, statement->imported_by));
  body_data = g_bytes_get_data (body, &body_len);
  message = signed_message (statement->vault_id, statement->imported_by, body_data, body_len);
  message_data = cfd_ad_data (message, &message_len);
  crypto_sign_detached (signature, NULL, message_data, message_len, sign_sk);
  return cfd_variant_to_wire (g_variant_new ("(s@ay@ay)", statement->imported_by,
                                             fixed_bytes (body_data, body_len),
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
               _ ("A card supervisor's signed statement is not valid (%s)"), what);
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

CfdCardStatement *
cfd_card_statement_parse_body (GBytes *body, GError **error)
{
  g_autoptr (GVariant) value = cfd_variant_from_wire (G_VARIANT_TYPE (BODY_TYPE), body);
  g_autoptr (GVariant) box_pk = NULL, sign_pk = NULL;
  g_autoptr (CfdCardStatement) statement = NULL;

  if (value == NULL)
    return damaged (error, "malformed contents");
  statement = g_new0 (CfdCardStatement, 1);
  g_variant_get (value, "(sss@ay@aysxs)", &statement->vault_id, &statement->supervisor_id,
                 &statement->name, &box_pk, &sign_pk, &statement->fingerprint, &statement->imported,
                 &statement->imported_by);
  if (!is_valid_id (statement->vault_id) || !is_valid_id (statement->supervisor_id)
      || !is_valid_id (statement->imported_by))
    return damaged (error, "an id is invalid");
  if (*statement->name == '\0' || strlen (statement->name) > MAX_NAME_BYTES)
    return damaged (error, "the name is invalid");
  if (*statement->fingerprint == '\0' || strlen (statement->fingerprint) > MAX_FINGERPRINT_BYTES)
    return damaged (error, "the fingerprint is invalid");
  if (!copy_fixed (box_pk, statement->box_pk, CFD_BOX_PK_BYTES)
      || !copy_fixed (sign_pk, statement->sign_pk, CFD_SIGN_PK_BYTES))
    return damaged (error, "a key has the wrong size");
  return g_steal_pointer (&statement);
}

CfdCardStatement *
cfd_card_statement_verify (GBytes *document,
                           const char *vault_id,
                           const CfdRoster *roster,
                           GError **error)
{
  g_autoptr (GVariant) value = NULL;
  g_autoptr (GVariant) body_value = NULL, signature = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (CfdAd) message = NULL;
  g_autoptr (CfdCardStatement) statement = NULL;
  g_autofree char *signer_id = NULL;
  const CfdRosterEntry *signer;
  const guint8 *message_data, *signature_data, *body_data;
  gsize message_len, signature_len = 0, body_len = 0;

  value = cfd_variant_from_wire (G_VARIANT_TYPE (DOCUMENT_TYPE), document);
  if (value == NULL)
    return damaged (error, "malformed document");
  g_variant_get (value, "(s@ay@ay)", &signer_id, &body_value, &signature);
  signature_data = g_variant_get_fixed_array (signature, &signature_len, 1);
  if (signature_len != SIGNATURE_BYTES)
    return damaged (error, "the signature has the wrong size");

  /* The delegation: the owner, or any therapist the owner signed into the
   * roster (docs/SECURITY.md). */
  signer = cfd_roster_find (roster, signer_id);
  if (signer == NULL || (signer->role != CFD_ROLE_OWNER && signer->role != CFD_ROLE_THERAPIST))
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
                   _ ("A card supervisor's statement is not signed by an owner or therapist of "
                      "the signed roster"));
      return NULL;
    }
  body_data = g_variant_get_fixed_array (body_value, &body_len, 1);
  message = signed_message (vault_id, signer_id, body_data, body_len);
  message_data = cfd_ad_data (message, &message_len);
  if (crypto_sign_verify_detached (signature_data, message_data, message_len, signer->sign_pk) != 0)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED,
                   _ ("A card supervisor's statement does not verify against its signer's key"));
      return NULL;
    }

  body = g_bytes_new (body_data, body_len);
  statement = cfd_card_statement_parse_body (body, error);
  if (statement == NULL)
    return NULL;
  if (strcmp (statement->vault_id, vault_id) != 0)
    return damaged (error, "it belongs to another vault");
  if (strcmp (statement->imported_by, signer_id) != 0)
    return damaged (error, "it names another signer");
  if (cfd_roster_find (roster, statement->supervisor_id) != NULL)
    return damaged (error, "its supervisor is already a user of the roster");
  return g_steal_pointer (&statement);
}
