/* cfd-wal.c: reading SQLite's write-ahead log before the database is opened, to tell damage from an interrupted write.
 *
 * SQLite replays WAL frames from the first one until a frame's salts or
 * chained checksum stop matching, and silently ignores everything after:
 * that is how it survives a write torn by a power cut. It is also how a
 * single flipped byte in an old frame would make the vault open at an
 * earlier commit with no error at all. The two can be told apart. With
 * synchronous=FULL, a commit is synced before the writer moves on, so a
 * commit frame followed by frames of a later transaction was durable; a
 * broken frame at or before such a commit cannot be an interrupted write.
 *
 * Every frame's checksum is chained from the checksum stored in the frame
 * before it, so each frame can be checked on its own even when an earlier
 * one is broken. The format is SQLite's "WAL file format" (fileformat2). */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include <gio/gio.h>

#include "cfd-error.h"
#include "cfd-wal.h"

#define WAL_HEADER_BYTES       32
#define WAL_FRAME_HEADER_BYTES 24
#define WAL_MAGIC              0x377f0682u /* low bit: checksum words are big-endian */
#define WAL_FORMAT_VERSION     3007000u
#define WAL_FALLBACK_PAGE_SIZE 4096u /* Confidant's page size, for a header too damaged to say */
#define WAL_STABLE_READS       5

typedef struct
{
  guint32 s0;
  guint32 s1;
} Checksum;

static guint32
read_be32 (const guint8 *p)
{
  return (guint32)p[0] << 24 | (guint32)p[1] << 16 | (guint32)p[2] << 8 | p[3];
}

static guint32
read_word (const guint8 *p, gboolean big_endian)
{
  return big_endian ? read_be32 (p)
                    : (guint32)p[3] << 24 | (guint32)p[2] << 16 | (guint32)p[1] << 8 | p[0];
}

/* SQLite's Fibonacci-weighted checksum over 8-byte steps. */
static void
checksum_add (Checksum *sum, const guint8 *data, gsize size, gboolean big_endian)
{
  for (gsize i = 0; i + 8 <= size; i += 8)
    {
      sum->s0 += read_word (data + i, big_endian) + sum->s1;
      sum->s1 += read_word (data + i + 4, big_endian) + sum->s0;
    }
}

static gboolean
stored_checksum_is (const guint8 *p, const Checksum *sum)
{
  return read_be32 (p) == sum->s0 && read_be32 (p + 4) == sum->s1;
}

static gboolean
is_page_size (guint32 size)
{
  return size >= 512 && size <= 65536 && (size & (size - 1)) == 0;
}

typedef struct
{
  /* Of this generation: its salts match, or its checksum follows from the
   * frame before (salts are outside the checksum, so a damaged salt still
   * chains; a frame left from an older generation does neither). */
  gboolean current;
  gboolean sound; /* salts, page number and checksum all match */
  gboolean commit;
} Frame;

CfdWalState
cfd_wal_inspect_bytes (const guint8 *wal, gsize size, guint *first_bad_frame)
{
  gboolean header_sound;
  gboolean big_endian;
  guint32 page_size;
  const guint8 *salts;
  gsize frame_bytes;
  gsize n_frames;
  g_autofree Frame *frames = NULL;
  gsize first_bad;
  gboolean later_current = FALSE;
  Checksum sum = { 0, 0 };

  if (first_bad_frame != NULL)
    *first_bad_frame = 0;
  /* SQLite ignores a log shorter than its header, and so loses nothing. */
  if (size < WAL_HEADER_BYTES)
    return CFD_WAL_INTACT;

  big_endian = (read_be32 (wal) & 1) != 0;
  page_size = read_be32 (wal + 8);
  checksum_add (&sum, wal, 24, big_endian);
  header_sound = (read_be32 (wal) & ~1u) == WAL_MAGIC && read_be32 (wal + 4) == WAL_FORMAT_VERSION
                 && is_page_size (page_size) && stored_checksum_is (wal + 24, &sum);
  if (!is_page_size (page_size))
    page_size = WAL_FALLBACK_PAGE_SIZE;
  if ((read_be32 (wal) & ~1u) != WAL_MAGIC)
    big_endian = G_BYTE_ORDER == G_BIG_ENDIAN;

  frame_bytes = WAL_FRAME_HEADER_BYTES + page_size;
  /* A frame cut short at the end of the file was never committed. */
  n_frames = (size - WAL_HEADER_BYTES) / frame_bytes;
  if (n_frames == 0)
    return CFD_WAL_INTACT;

  /* A damaged header leaves the first frame's salts as the best witness of
   * the generation; SQLite replays nothing at all in that case. */
  salts = header_sound ? wal + 16 : wal + WAL_HEADER_BYTES + 8;
  frames = g_new0 (Frame, n_frames);
  for (gsize i = 0; i < n_frames; i++)
    {
      const guint8 *frame = wal + WAL_HEADER_BYTES + i * frame_bytes;
      const guint8 *previous_sum = i == 0 ? wal + 24 : frame - frame_bytes + 16;
      Checksum chained = { read_be32 (previous_sum), read_be32 (previous_sum + 4) };
      gboolean salted = memcmp (frame + 8, salts, 8) == 0;
      gboolean chains;

      checksum_add (&chained, frame, 8, big_endian);
      checksum_add (&chained, frame + WAL_FRAME_HEADER_BYTES, page_size, big_endian);
      chains = stored_checksum_is (frame + 16, &chained);
      frames[i].current = salted || chains;
      frames[i].sound = salted && chains && read_be32 (frame) != 0;
      frames[i].commit = read_be32 (frame + 4) != 0;
    }

  if (header_sound)
    {
      for (first_bad = 0; first_bad < n_frames && frames[first_bad].sound; first_bad++)
        ;
      if (first_bad == n_frames)
        return CFD_WAL_INTACT;
    }
  else
    first_bad = 0;

  /* The log's natural end is the first frame of an older generation; only
   * frames of this generation after it say that something was cut off. */
  for (gsize i = first_bad + 1; i < n_frames; i++)
    later_current = later_current || frames[i].sound;
  if (header_sound && !frames[first_bad].current && !later_current)
    return CFD_WAL_INTACT;

  if (first_bad_frame != NULL)
    *first_bad_frame = (guint)first_bad + 1;
  /* A commit frame's header says it ended a transaction even when its
   * page, its checksum or the frame before it is damaged. */
  for (gsize i = first_bad; i < n_frames; i++)
    if (frames[i].commit && (i == first_bad || frames[i].current))
      for (gsize j = i + 1; j < n_frames; j++)
        if (frames[j].sound)
          return CFD_WAL_DAMAGED;
  return CFD_WAL_BROKEN_TAIL;
}

gboolean
cfd_wal_inspect (const char *db_path, CfdWalState *state, guint *first_bad_frame, GError **error)
{
  g_autofree char *wal_path = g_strconcat (db_path, "-wal", NULL);
  g_autofree char *previous = NULL;
  gsize previous_size = 0;

  *state = CFD_WAL_INTACT;
  if (first_bad_frame != NULL)
    *first_bad_frame = 0;

  for (guint attempt = 0; attempt < WAL_STABLE_READS; attempt++)
    {
      g_autofree char *contents = NULL;
      g_autoptr (GError) read_error = NULL;
      gsize size = 0;

      if (!g_file_get_contents (wal_path, &contents, &size, &read_error))
        {
          if (g_error_matches (read_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            return TRUE;
          g_set_error (error, CFD_ERROR, CFD_ERROR_IO,
                       _ ("The database's write-ahead log cannot be read: %s"),
                       read_error->message);
          return FALSE;
        }
      *state = cfd_wal_inspect_bytes ((const guint8 *)contents, size, first_bad_frame);
      /* A frame half-appended by another process looks broken for a moment;
       * damage is what stays the same between two reads. */
      if (*state == CFD_WAL_INTACT
          || (previous != NULL && size == previous_size && memcmp (contents, previous, size) == 0))
        return TRUE;
      g_clear_pointer (&previous, g_free);
      previous = g_steal_pointer (&contents);
      previous_size = size;
      g_usleep (20 * 1000);
    }
  return TRUE;
}
