/* fuzz-authorization.c: libFuzzer target for the authorization file reader (cfd_authorization_terms_parse). */
#include "config.h"

#include "cfd-authorization.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* Whatever the reader accepts passes the check again (every core element
 * and statement there); whatever it refuses is refused as invalid input. */
int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) terms = cfd_authorization_terms_parse ((const char *)data, size, &error);

  if (terms == NULL)
    {
      if (!g_error_matches (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT))
        g_error ("a refused authorization came without INVALID_INPUT");
      return 0;
    }
  if (!cfd_authorization_terms_check (terms, &error))
    g_error ("an accepted authorization fails its own check: %s", error->message);
  if (!g_variant_lookup (terms, CFD_AUTHORIZATION_RECIPIENT, "&s", NULL)
      || !g_variant_lookup (terms, CFD_AUTHORIZATION_SIGNED_ON, "&s", NULL))
    g_error ("an authorization was accepted without a recipient or a signature date");
  return 0;
}
