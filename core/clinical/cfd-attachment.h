/* cfd-attachment.h: PDF and image files filed to a patient: sealed under a key of their own, hashed and signed when filed. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "cfd-disclosure.h"
#include "cfd-vault.h"

G_BEGIN_DECLS

typedef enum
{
  CFD_ATTACHMENT_REFERRAL,
  CFD_ATTACHMENT_CONSENT,
  CFD_ATTACHMENT_LAB,
  CFD_ATTACHMENT_OTHER,
} CfdAttachmentType;

#define CFD_ATTACHMENT_N_TYPES 4

/* "referral", "consent", "lab", "other": the stored and CLI names. */
const char *cfd_attachment_type_to_string (CfdAttachmentType type);
gboolean cfd_attachment_type_from_string (const char *text, CfdAttachmentType *type);

/* The largest file accepted (docs/SECURITY.md, "Attachments", says why). */
#define CFD_ATTACHMENT_MAX_BYTES (32 * 1024 * 1024)
/* The plaintext of one sealed chunk: a file is read, sealed and written
 * this much at a time, never whole. */
#define CFD_ATTACHMENT_CHUNK_BYTES (256 * 1024)
/* A title, at most, in bytes; a file name kept, at most, in bytes. */
#define CFD_ATTACHMENT_MAX_TITLE_BYTES 300
#define CFD_ATTACHMENT_MAX_NAME_BYTES  120

/* The media types accepted, decided by content, never by the name:
 * "application/pdf", "image/png", "image/jpeg". */
#define CFD_MEDIA_PDF  "application/pdf"
#define CFD_MEDIA_PNG  "image/png"
#define CFD_MEDIA_JPEG "image/jpeg"

/* The media type that the first bytes of a file announce (the whole of
 * head, at most 8 bytes are looked at), or NULL for anything else. */
const char *cfd_attachment_sniff_head (const guint8 *head, gsize length);
/* Whether the last bytes of a file end it the way its media type ends a
 * complete file (PDF: %%EOF within the last 1024 bytes; PNG: the IEND
 * chunk; JPEG: the end-of-image marker): a truncated scan fails. */
gboolean cfd_attachment_tail_complete (const char *media_type, const guint8 *tail, gsize length);
/* The bytes of tail that cfd_attachment_tail_complete() looks at. */
#define CFD_ATTACHMENT_TAIL_BYTES 1024

/* A file name fit to keep and show: its last path component, valid UTF-8,
 * no control or bidirectional-override characters, no leading dot, at most
 * CFD_ATTACHMENT_MAX_NAME_BYTES, ending in the extension of the media
 * type; "attachment.pdf" (.png, .jpg) when nothing is left. */
char *cfd_attachment_sanitize_name (const char *name, const char *media_type);

#define CFD_TYPE_ATTACHMENT (cfd_attachment_get_type ())
G_DECLARE_FINAL_TYPE (CfdAttachment, cfd_attachment, CFD, ATTACHMENT, GObject)

const char *cfd_attachment_get_id (CfdAttachment *self);
const char *cfd_attachment_get_patient_id (CfdAttachment *self);
CfdAttachmentType cfd_attachment_get_kind (CfdAttachment *self);
const char *cfd_attachment_get_title (CfdAttachment *self);
const char *cfd_attachment_get_file_name (CfdAttachment *self);
const char *cfd_attachment_get_media_type (CfdAttachment *self);
guint64 cfd_attachment_get_size (CfdAttachment *self);
/* BLAKE2b-256 of the file, lowercase hex. */
const char *cfd_attachment_get_hash_hex (CfdAttachment *self);
const char *cfd_attachment_get_actor_id (CfdAttachment *self);
/* From the signed roster; NULL when the filer is no longer in it. */
const char *cfd_attachment_get_actor_name (CfdAttachment *self);
gint64 cfd_attachment_get_time (CfdAttachment *self);
gboolean cfd_attachment_is_image (CfdAttachment *self);

/* Files the file at path to the patient: opened without following a
 * symbolic link, a regular file of 1 to CFD_ATTACHMENT_MAX_BYTES bytes
 * whose content is a complete PDF, PNG or JPEG (INVALID_INPUT otherwise,
 * naming what is wrong), read and sealed a chunk at a time under a new
 * attachment key wrapped under the patient key, hashed, and signed by the
 * signed-in owner or therapist. title NULL or empty: the file name.
 * Returns the attachment's id. Audited as attachment.add. */
char *cfd_vault_add_attachment (CfdVault *vault,
                                const char *patient_id,
                                CfdAttachmentType type,
                                const char *title,
                                const char *path,
                                GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The patient's attachments, oldest first, each row's signature verified
 * against the signed roster and its title and name unsealed; TAMPERED (and
 * vault.tamper) when one fails or one has been removed. Audited as
 * attachment.list. */
GListModel *cfd_vault_list_attachments (CfdVault *vault,
                                        const char *patient_id,
                                        GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The file's bytes (wiped when freed), for an in-app preview: every chunk
 * opened, the size and hash checked against the signed row; TAMPERED (and
 * vault.tamper) otherwise. Audited as attachment.open. */
GBytes *cfd_vault_open_attachment (CfdVault *vault,
                                   const char *attachment_id,
                                   GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Writes the file to path, a chunk at a time, through a private temporary
 * file beside it whose hash is checked before anything appears at path;
 * refuses an existing path (EXISTS) unless overwrite. The export is a
 * disclosure: recorded, with terms, as attachment.export in the accounting
 * before the file appears. */
gboolean cfd_vault_export_attachment (CfdVault *vault,
                                      const char *attachment_id,
                                      const CfdDisclosureTerms *terms,
                                      const char *path,
                                      gboolean overwrite,
                                      GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
