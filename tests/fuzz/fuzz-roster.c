/* fuzz-roster.c: libFuzzer target for the roster's body (cfd_roster_parse_body) and its signed document (cfd_roster_verify), read from a keyring anyone may have written. */
#include "config.h"

#include <string.h>

#include "cfd-error.h"
#include "cfd-roster.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  static const guint8 owner_pk[CFD_SIGN_PK_BYTES] = { 1 };
  g_autoptr (GBytes) bytes = g_bytes_new (data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdRoster) roster = cfd_roster_parse_body (bytes, &error);
  g_autoptr (CfdRoster) verified = NULL;

  if ((roster == NULL) == (error == NULL))
    g_error ("a roster body neither parsed nor refused with an error");
  if (roster != NULL)
    {
      guint owners = 0;

      for (guint i = 0; i < roster->entries->len; i++)
        owners
            += ((CfdRosterEntry *)g_ptr_array_index (roster->entries, i))->role == CFD_ROLE_OWNER;
      if (owners != 1)
        g_error ("a parsed roster with %u owners", owners);
    }
  g_clear_error (&error);

  /* No input is signed by this key, so every document is refused. */
  verified = cfd_roster_verify (bytes, "00000000000000000000000000000000", owner_pk, &error);
  if (verified != NULL || !g_error_matches (error, CFD_ERROR, CFD_ERROR_TAMPERED))
    g_error ("an unsigned roster document was not refused as tampering");
  return 0;
}
