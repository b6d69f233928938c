/* fuzz-audit-checkpoint.c: libFuzzer target for audit checkpoints and receipts read from backups and people. */
#include "config.h"

#include <string.h>

#include "cfd-audit-checkpoint.h"
#include "cfd-error.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* A checkpoint that parses must serialize back to the very same bytes:
 * there is one wire form for each checkpoint. */
static void
checkpoint (const guint8 *data, gsize size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) again = NULL;
  CfdAuditCheckpoint cp;

  if (!cfd_audit_checkpoint_parse (data, size, &cp, &error))
    {
      if (error == NULL || error->domain != CFD_ERROR)
        g_error ("a refused checkpoint came without a vault error");
      return;
    }
  again = cfd_audit_checkpoint_serialize (&cp);
  if (g_bytes_get_size (again) != size || memcmp (g_bytes_get_data (again, NULL), data, size) != 0)
    g_error ("a checkpoint changed on a round trip");
}

/* A receipt that parses, written out again, reads back the same. */
static void
receipt (const guint8 *data, gsize size)
{
  g_autofree char *text = g_strndup ((const char *)data, size);
  g_autoptr (GError) error = NULL;
  g_autofree char *written = NULL;
  CfdAuditCheckpoint cp = { 0 };
  guint8 prefix[CFD_AUDIT_RECEIPT_HEAD_BYTES];
  guint8 again[CFD_AUDIT_RECEIPT_HEAD_BYTES];
  gint64 seq, seq_again;

  if (!cfd_audit_receipt_parse (text, &seq, prefix, &error))
    {
      if (error == NULL || error->domain != CFD_ERROR)
        g_error ("a refused receipt came without a vault error");
      return;
    }
  cp.seq = seq;
  memcpy (cp.head, prefix, sizeof prefix);
  written = cfd_audit_checkpoint_format_receipt (&cp);
  if (!cfd_audit_receipt_parse (written, &seq_again, again, NULL) || seq_again != seq
      || memcmp (again, prefix, sizeof prefix) != 0)
    g_error ("a receipt changed on a round trip");
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  checkpoint (data, size);
  receipt (data, size);
  return 0;
}
