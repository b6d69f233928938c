/* fuzz-wal.c: libFuzzer target for the write-ahead log reader (cfd_wal_inspect_bytes), which reads whatever is on disk before SQLite does. */
#include "config.h"

#include "cfd-wal.h"

#define WAL_HEADER_BYTES       32
#define WAL_FRAME_HEADER_BYTES 24

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  guint first_bad = G_MAXUINT;
  CfdWalState state = cfd_wal_inspect_bytes (data, size, &first_bad);

  /* The smallest page is 512 bytes, so no frame number can lie beyond
   * what that many bytes could hold. */
  switch (state)
    {
      case CFD_WAL_INTACT:
        if (first_bad != 0)
          g_error ("an intact log names a bad frame");
        break;
      case CFD_WAL_BROKEN_TAIL:
      case CFD_WAL_DAMAGED:
        if (first_bad == 0
            || (gsize)first_bad > (size - WAL_HEADER_BYTES) / (WAL_FRAME_HEADER_BYTES + 512))
          g_error ("a bad frame number out of range: %u", first_bad);
        break;
      default:
        g_error ("an unknown state %d", (int)state);
    }
  return 0;
}
