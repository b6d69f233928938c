/* cfd-demo-text.h: deterministic, clearly fictional names and clinical prose for demos and benchmarks. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

/* Depends on GLib only, so the plaintext baseline benchmark can share it. */
char *cfd_demo_text_name (GRand *rand);
char *cfd_demo_text_birth_date (GRand *rand);
/* Prose of roughly min_bytes to max_bytes, in sentences. */
char *cfd_demo_text_paragraphs (GRand *rand, gsize min_bytes, gsize max_bytes);
char *cfd_demo_text_phrase (GRand *rand);

G_END_DECLS
