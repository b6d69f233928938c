/* cfd-secure.c: guarded memory for keys, wiped buffers for decrypted text, process hardening. */
#include "config.h"

#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <sodium.h>

#include "cfd-secure-private.h"

gboolean
cfd_secure_init (void)
{
  return sodium_init () >= 0;
}

/* Called first thing in main(): a core dump of an unlocked vault would hold
 * keys and patient text. */
void
cfd_secure_harden_process (void)
{
  struct rlimit no_core = { 0, 0 };

  setrlimit (RLIMIT_CORE, &no_core);
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
}

CfdSecret *
cfd_secret_new (gsize len)
{
  CfdSecret *secret = g_new0 (CfdSecret, 1);

  secret->len = len;
  secret->data = sodium_malloc (MAX (len, 1));
  if (secret->data == NULL)
    g_error ("Out of guarded memory");
  sodium_memzero (secret->data, MAX (len, 1));
  return secret;
}

/* For large decrypted text (the search index: 138 MB at 100,000 records)
 * that would use up RLIMIT_MEMLOCK (8 MiB for an ordinary user) before
 * the keys that come after it could be locked. The pages stay guarded,
 * wiped on free and out of core dumps (MADV_DONTDUMP, which
 * sodium_malloc sets), but may be swapped: see docs/SECURITY.md. */
CfdSecret *
cfd_secret_new_unlocked (gsize len)
{
  CfdSecret *secret = cfd_secret_new (len);
  gsize page = (gsize)sysconf (_SC_PAGESIZE);
  guintptr start = (guintptr)secret->data & ~(guintptr)(page - 1);
  guintptr end = ((guintptr)secret->data + MAX (len, 1) + page - 1) & ~(guintptr)(page - 1);

  munlock ((void *)start, end - start);
  return secret;
}

CfdSecret *
cfd_secret_new_from_data (const guint8 *data, gsize len)
{
  CfdSecret *secret = cfd_secret_new (len);

  if (len > 0)
    memcpy (secret->data, data, len);
  return secret;
}

/* The copy is NUL-terminated so it can be handed to APIs taking C strings;
 * len does not count the terminator. */
CfdSecret *
cfd_secret_new_from_string (const char *text)
{
  gsize len = strlen (text);
  CfdSecret *secret = cfd_secret_new (len + 1);

  memcpy (secret->data, text, len + 1);
  secret->len = len;
  return secret;
}

void
cfd_secret_free (CfdSecret *secret)
{
  if (secret == NULL)
    return;
  sodium_free (secret->data);
  g_free (secret);
}

static void
wipe_and_free_bytes (gpointer data)
{
  /* The length is stored just before the data so that the GBytes free
   * function, which only gets the pointer, can wipe all of it. */
  gsize *header = (gsize *)data - 1;

  sodium_memzero (header, *header + sizeof (gsize));
  g_free (header);
}

GBytes *
cfd_wiped_bytes_new (const guint8 *data, gsize len)
{
  gsize *header = g_malloc (sizeof (gsize) + MAX (len, 1));
  guint8 *payload = (guint8 *)(header + 1);

  *header = len;
  if (len > 0)
    memcpy (payload, data, len);
  return g_bytes_new_with_free_func (payload, len, wipe_and_free_bytes, payload);
}

GBytes *
cfd_wiped_bytes_new_take (guint8 *data, gsize len)
{
  GBytes *bytes = cfd_wiped_bytes_new (data, len);

  cfd_wipe_free (data, len);
  return bytes;
}

void
cfd_wipe_free (gpointer data, gsize len)
{
  if (data == NULL)
    return;
  sodium_memzero (data, len);
  g_free (data);
}

void
cfd_wipe_string (char *text)
{
  if (text == NULL)
    return;
  cfd_wipe_free (text, strlen (text));
}

struct _CfdKeyArena
{
  guint8 *keys; /* guarded: capacity * CFD_KEY_ARENA_KEY_BYTES */
  guint capacity;
  guint used;
  GHashTable *slots;  /* name -> slot index + 1 */
  GArray *free_slots; /* indices of removed keys, reused first */
};

CfdKeyArena *
cfd_key_arena_new (void)
{
  CfdKeyArena *arena = g_new0 (CfdKeyArena, 1);

  arena->capacity = 64;
  arena->keys = sodium_malloc (arena->capacity * CFD_KEY_ARENA_KEY_BYTES);
  if (arena->keys == NULL)
    g_error ("Out of guarded memory");
  sodium_memzero (arena->keys, arena->capacity * CFD_KEY_ARENA_KEY_BYTES);
  arena->slots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  arena->free_slots = g_array_new (FALSE, FALSE, sizeof (guint));
  return arena;
}

void
cfd_key_arena_free (CfdKeyArena *arena)
{
  if (arena == NULL)
    return;
  sodium_free (arena->keys);
  g_hash_table_unref (arena->slots);
  g_array_unref (arena->free_slots);
  g_free (arena);
}

static guint8 *
slot_address (CfdKeyArena *arena, guint slot)
{
  return arena->keys + (gsize)slot * CFD_KEY_ARENA_KEY_BYTES;
}

guint8 *
cfd_key_arena_lookup (CfdKeyArena *arena, const char *name)
{
  gpointer value = g_hash_table_lookup (arena->slots, name);

  if (value == NULL)
    return NULL;
  return slot_address (arena, GPOINTER_TO_UINT (value) - 1);
}

static void
grow (CfdKeyArena *arena)
{
  guint capacity = arena->capacity * 2;
  guint8 *keys = sodium_malloc ((gsize)capacity * CFD_KEY_ARENA_KEY_BYTES);

  if (keys == NULL)
    g_error ("Out of guarded memory");
  sodium_memzero (keys, (gsize)capacity * CFD_KEY_ARENA_KEY_BYTES);
  memcpy (keys, arena->keys, (gsize)arena->capacity * CFD_KEY_ARENA_KEY_BYTES);
  sodium_free (arena->keys);
  arena->keys = keys;
  arena->capacity = capacity;
}

/* Returns the zeroed slot for name (an existing one is zeroed and reused).
 * The pointer is valid until the next insert. */
guint8 *
cfd_key_arena_insert (CfdKeyArena *arena, const char *name)
{
  guint8 *existing = cfd_key_arena_lookup (arena, name);
  guint slot;

  if (existing != NULL)
    {
      sodium_memzero (existing, CFD_KEY_ARENA_KEY_BYTES);
      return existing;
    }

  if (arena->free_slots->len > 0)
    {
      slot = g_array_index (arena->free_slots, guint, arena->free_slots->len - 1);
      g_array_set_size (arena->free_slots, arena->free_slots->len - 1);
    }
  else
    {
      if (arena->used == arena->capacity)
        grow (arena);
      slot = arena->used++;
    }

  g_hash_table_insert (arena->slots, g_strdup (name), GUINT_TO_POINTER (slot + 1));
  return slot_address (arena, slot);
}

void
cfd_key_arena_remove (CfdKeyArena *arena, const char *name)
{
  gpointer value = g_hash_table_lookup (arena->slots, name);
  guint slot;

  if (value == NULL)
    return;
  slot = GPOINTER_TO_UINT (value) - 1;
  sodium_memzero (slot_address (arena, slot), CFD_KEY_ARENA_KEY_BYTES);
  g_array_append_val (arena->free_slots, slot);
  g_hash_table_remove (arena->slots, name);
}

void
cfd_key_arena_clear (CfdKeyArena *arena)
{
  sodium_memzero (arena->keys, (gsize)arena->capacity * CFD_KEY_ARENA_KEY_BYTES);
  g_hash_table_remove_all (arena->slots);
  g_array_set_size (arena->free_slots, 0);
  arena->used = 0;
}

guint
cfd_key_arena_size (CfdKeyArena *arena)
{
  return g_hash_table_size (arena->slots);
}
