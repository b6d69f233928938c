/* fuzz-card-statement.c: libFuzzer target for a card supervisor's signed statement (cfd_card_statement_verify) and its body (cfd_card_statement_parse_body), read from a database anyone with its key may have written. */
#include "config.h"

#include <string.h>

#include "cfd-card-statement.h"
#include "cfd-error.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  static const guint8 no_key[CFD_BOX_PK_BYTES] = { 1 };
  g_autoptr (GBytes) bytes = g_bytes_new (data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdCardStatement) body = cfd_card_statement_parse_body (bytes, &error);
  g_autoptr (CfdCardStatement) verified = NULL;
  g_autoptr (CfdRoster) roster = cfd_roster_new ("00112233445566778899aabbccddeeff");

  if ((body == NULL) == (error == NULL))
    g_error ("a card statement body neither parsed nor refused with an error");
  if (body != NULL && (strlen (body->supervisor_id) != 32 || *body->name == '\0'))
    g_error ("a parsed card statement with an invalid id or name");
  g_clear_error (&error);

  /* The fixture's therapist id, with a key no input is signed by: every
   * document is refused, whatever it holds. */
  cfd_roster_add (roster, "fedcba9876543210fedcba9876543210", "Fuzz Therapist", CFD_ROLE_THERAPIST,
                  no_key, no_key, 0, "fedcba9876543210fedcba9876543210");
  verified = cfd_card_statement_verify (bytes, "00112233445566778899aabbccddeeff", roster, &error);
  if (verified != NULL || !g_error_matches (error, CFD_ERROR, CFD_ERROR_TAMPERED))
    g_error ("an unsigned card statement was not refused as tampering");
  return 0;
}
