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
/* Guarded and left out of core dumps like cfd_secret_new, but not locked
 * against swapping: for large decrypted text, never for keys. */
CfdSecret *cfd_secret_new_unlocked (gsize len);
CfdSecret *cfd_secret_new_from_data (const guint8 *data, gsize len);
CfdSecret *cfd_secret_new_from_string (const char *text);
void cfd_secret_free (CfdSecret *secret);

void cfd_wipe_string (char *text);
void cfd_wipe_free (gpointer data, gsize len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfdSecret, cfd_secret_free)

G_END_DECLS
