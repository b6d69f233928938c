/* cfd-secure-private.h: wiped GBytes and the patient-key arena, for core alone. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include "cfd-secure.h"

G_BEGIN_DECLS

GBytes *cfd_wiped_bytes_new_take (guint8 *data, gsize len);
GBytes *cfd_wiped_bytes_new (const guint8 *data, gsize len);

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
