/* cfd-backup-private.h: the backup file format and the pieces the writer, reader and ledger share. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <sodium.h>

#include "cfd-backup.h"
#include "cfd-crypto.h"
#include "cfd-db.h"
#include "cfd-keyring.h"

G_BEGIN_DECLS

#define CFD_BACKUP_MAGIC           "CFDBACKP"
#define CFD_BACKUP_MAGIC_BYTES     8
#define CFD_BACKUP_PREFIX_BYTES    24 /* magic, version, body length, prefix check */
#define CFD_BACKUP_PREFIX_CHECK    8
#define CFD_BACKUP_MAX_BODY_BYTES  (8 * 1024 * 1024)
#define CFD_BACKUP_CHUNK_BYTES     (256 * 1024)
#define CFD_BACKUP_MIN_CHUNK_BYTES 512
#define CFD_BACKUP_MAX_CHUNK_BYTES (16 * 1024 * 1024)
#define CFD_BACKUP_STREAM_HEADER   crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define CFD_BACKUP_CHUNK_OVERHEAD  crypto_secretstream_xchacha20poly1305_ABYTES
#define CFD_BACKUP_KDF_CONTEXT     "cfdbackp"
#define CFD_BACKUP_KDF_CONTEXT_V2  "cfdbkup2"
/* The kind of the header's checkpoint field: a signed audit checkpoint in
 * its wire form (cfd_audit_checkpoint_serialize). */
#define CFD_BACKUP_CHECKPOINT_SIGNED "confidant/audit-checkpoint/v1"

/* The parsed header. Everything in it is public: the keyring holds only
 * passphrase-wrapped secrets. */
typedef struct
{
  guint32 version;
  char *vault_id;
  guint64 seq;
  gint64 time;
  guint32 schema_version;
  guint32 chunk_size;
  guint64 payload_bytes;
  char *checkpoint_kind;
  GBytes *checkpoint;
  GBytes *keyring;
  /* BLAKE2b-256 of every header byte before it; it is also the associated
   * data of the first chunk, so a header cannot be moved onto another
   * stream. */
  guint8 hash[CFD_HASH_BYTES];
  gsize header_bytes;
} CfdBackupHeader;

void cfd_backup_header_free (CfdBackupHeader *header);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfdBackupHeader, cfd_backup_header_free)

/* Encodes header and fills in its hash and header_bytes. */
GBytes *cfd_backup_header_encode (CfdBackupHeader *header);

/* Reads and checks the header at the start of fd (left positioned after
 * it). file_size is the whole file's size. */
CfdBackupHeader *
cfd_backup_header_read (int fd, guint64 file_size, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Chunks in a stream: full ones, then one final chunk holding the
 * remainder (possibly empty), tagged TAG_FINAL. */
guint64 cfd_backup_chunk_count (guint64 payload_bytes, guint32 chunk_size);
guint64 cfd_backup_expected_file_size (const CfdBackupHeader *header);

void
cfd_backup_stream_key (guint8 out[CFD_KEY_BYTES], const guint8 db_key[CFD_KEY_BYTES], guint64 seq);

/* cfd-backup-key.c: the stream key of a backup for the user whose secrets
 * are given (unwrapped from the backup's own keyring): format 2 from their
 * copy of the practice's backup key, format 1 from the database key.
 * NOT_PERMITTED, saying so, for a user who holds no backup key. */
gboolean cfd_backup_derive_stream_key (guint8 out[CFD_KEY_BYTES],
                                       const CfdBackupHeader *header,
                                       const CfdKeyring *keyring,
                                       const char *user_id,
                                       const CfdSecret *secrets,
                                       GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The same for the signed-in user of an unlocked vault. */
gboolean cfd_backup_derive_vault_stream_key (guint8 out[CFD_KEY_BYTES],
                                             const CfdBackupHeader *header,
                                             CfdVault *vault,
                                             GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Format 2's stream key from the backup key. */
void cfd_backup_stream_key_v2 (guint8 out[CFD_KEY_BYTES],
                               const guint8 backup_secret[CFD_KEY_BYTES],
                               guint64 seq);

CfdBackupInfo *cfd_backup_info_from_header (const CfdBackupHeader *header, const char *path);

char *cfd_backup_file_name (const char *vault_id, guint64 seq, gint64 time);

/* Receives each chunk's plaintext in order. */
typedef gboolean (*CfdBackupSink) (const guint8 *data,
                                   gsize len,
                                   gpointer user_data,
                                   GError **error);

/* Authenticates the whole stream after the header (fd positioned there by
 * cfd_backup_header_read), handing each chunk's plaintext to sink (may be
 * NULL). Every chunk's tag is checked; the plaintext is not hashed as
 * well, since the stream's MACs already authenticate all of it. */
gboolean cfd_backup_decrypt_stream (int fd,
                                    const CfdBackupHeader *header,
                                    const guint8 stream_key[CFD_KEY_BYTES],
                                    CfdBackupSink sink,
                                    gpointer sink_data,
                                    GCancellable *cancellable,
                                    CfdBackupProgressFunc progress,
                                    gpointer progress_data,
                                    guint64 progress_base,
                                    guint64 progress_total,
                                    GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Opens the keyring carried in the header with a user's passphrase (user
 * NULL: the owner) or the recovery key; returns that user's secrets, whose
 * database key is checked against the keyring. */
CfdSecret *cfd_backup_unlock_header (const CfdBackupHeader *header,
                                     const char *user,
                                     const char *secret,
                                     CfdBackupSecretKind kind,
                                     CfdKeyring **keyring_out,
                                     char **user_id_out,
                                     GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Opens a backup file and reads its header; the fd is left after it. */
int cfd_backup_open_file (const char *path, CfdBackupHeader **header_out, GError **error);

/* The media ledger and the backup sequence, on any connection to the vault
 * database (the writer uses one of its own). */
gboolean
cfd_backup_ledger_next_seq (CfdDb *db, guint64 *seq, GError **error) G_GNUC_WARN_UNUSED_RESULT;
GHashTable *
cfd_backup_ledger_verified_in (CfdDb *db, const char *location, GHashTable **seqs, GError **error);
gboolean cfd_backup_ledger_add (CfdDb *db,
                                const CfdBackupRecord *record,
                                GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean cfd_backup_ledger_mark_verified (CfdDb *db,
                                          const char *location,
                                          const char *file_name,
                                          gboolean verified,
                                          gint64 when,
                                          GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Exports the database open in db into snapshot.db in a new private folder
 * under parent, keyed like the vault, in one read transaction. */
gboolean cfd_backup_snapshot_take (CfdDb *db,
                                   const guint8 db_key[CFD_KEY_BYTES],
                                   const char *parent,
                                   char **dir_out,
                                   char **path_out,
                                   guint *schema_version,
                                   GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* PRAGMA integrity_check on an open database (schema name "main" or an
 * attached one); DAMAGED_DATABASE with no detail otherwise. */
gboolean cfd_backup_integrity_check (CfdDb *db,
                                     const char *schema,
                                     GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Removes a folder and every file in it (one level deep); for the private
 * temporary folders backup and restore make. */
void cfd_backup_remove_tree (const char *path);

#ifdef CFD_TESTING
/* Smaller chunks make chunk boundaries easy to reach in tests. 0 restores
 * the default. */
void cfd_backup_set_chunk_size_for_testing (guint32 chunk_size);
/* Pretends the medium has this many bytes free; 0 asks the file system. */
void cfd_backup_set_free_space_for_testing (guint64 free_bytes);
/* Whether the last snapshot was a plain copy of the checkpointed database
 * file (TRUE) or made page by page (FALSE). */
gboolean cfd_backup_snapshot_last_was_file_copy_for_testing (void);
#endif

G_END_DECLS
