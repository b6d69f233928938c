/* cfd-secure.h: guarded memory for keys, wiped buffers for decrypted text, process hardening. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

/* A buffer of secret bytes in guarded (sodium_malloc) memory, wiped when freed. */
typedef struct
{
  guint8 *data;
  gsize len;
} CfdSecret;

gboolean cfd_secure_init (void) G_GNUC_WARN_UNUSED_RESULT;
void cfd_secure_harden_process (void);

CfdSecret *cfd_secret_new (gsize len);
CfdSecret *cfd_secret_new_from_data (const guint8 *data, gsize len);
CfdSecret *cfd_secret_new_from_string (const char *text);
void cfd_secret_free (CfdSecret *secret);

GBytes *cfd_wiped_bytes_new_take (guint8 *data, gsize len);
GBytes *cfd_wiped_bytes_new (const guint8 *data, gsize len);
void cfd_wipe_string (char *text);
void cfd_wipe_free (gpointer data, gsize len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfdSecret, cfd_secret_free)

/* Keys of unlocked patients: one guarded region that grows, rather than one
 * sodium_malloc per key, because every guarded allocation locks whole pages
 * and RLIMIT_MEMLOCK is small by default. */
typedef struct _CfdKeyArena CfdKeyArena;

#define CFD_KEY_ARENA_KEY_BYTES 32

CfdKeyArena *cfd_key_arena_new (void);
void cfd_key_arena_free (CfdKeyArena *arena);
guint8 *cfd_key_arena_lookup (CfdKeyArena *arena, const char *name);
guint8 *cfd_key_arena_insert (CfdKeyArena *arena, const char *name);
void cfd_key_arena_remove (CfdKeyArena *arena, const char *name);
void cfd_key_arena_clear (CfdKeyArena *arena);
guint cfd_key_arena_size (CfdKeyArena *arena);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfdKeyArena, cfd_key_arena_free)

G_END_DECLS
