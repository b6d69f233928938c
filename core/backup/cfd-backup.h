/* cfd-backup.h: encrypted, verified, generational backups of a vault, and restoring them. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <gio/gio.h>

#include "cfd-vault.h"

G_BEGIN_DECLS

/* Format 2 derives the stream key from the practice's backup key, which
 * only the owner and therapists hold; format 1 (from the database key,
 * which every user holds) is still read. */
#define CFD_BACKUP_FORMAT_VERSION      2
#define CFD_BACKUP_OLDEST_VERSION      1
#define CFD_BACKUP_DEFAULT_GENERATIONS 5
#define CFD_BACKUP_MAX_GENERATIONS     100
#define CFD_BACKUP_FILE_SUFFIX         ".cfdbackup"

/* Called from the thread doing the work for the synchronous calls, and in
 * the caller's main context for the _async ones. total counts the bytes to
 * write plus the bytes to read back; it is 0 until the snapshot exists. */
typedef void (*CfdBackupProgressFunc) (guint64 done, guint64 total, gpointer user_data);

/* What a backup file's header says; reading it needs no passphrase and
 * proves nothing until the file is verified. */
typedef struct
{
  char *path;
  char *vault_id;
  guint64 seq;
  gint64 time; /* microseconds since the epoch, UTC */
  guint schema_version;
  guint64 payload_bytes;
  guint64 file_bytes;
  /* The audit checkpoint in the header: signed by audit_signer (a user id)
   * just before the snapshot was taken. audit_signer is NULL for an
   * unsigned audit head. */
  guint64 audit_seq;
  guint8 audit_hash[32];
  gint64 audit_time;
  char *audit_signer;
} CfdBackupInfo;

void cfd_backup_info_free (CfdBackupInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfdBackupInfo, cfd_backup_info_free)

/* Reads a header only (no key needed, nothing authenticated yet). */
CfdBackupInfo *cfd_backup_read_info (const char *path, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The backup files in folder (of any vault), by vault id then sequence.
 * Files whose header does not parse are left out. */
GPtrArray *cfd_backup_list (const char *folder, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Snapshots the open vault (it stays usable meanwhile), writes the backup
 * into folder durably, reads it back and verifies it, records it in the
 * media ledger, and only then removes this vault's backups in folder beyond
 * the newest generations. */
CfdBackupInfo *cfd_vault_backup (CfdVault *vault,
                                 const char *folder,
                                 guint generations,
                                 GCancellable *cancellable,
                                 CfdBackupProgressFunc progress,
                                 gpointer progress_data,
                                 GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The vault may keep being used while this runs: the work happens on a
 * database connection of its own. progress_data must stay valid until the
 * callback has run. */
void cfd_vault_backup_async (CfdVault *vault,
                             const char *folder,
                             guint generations,
                             GCancellable *cancellable,
                             CfdBackupProgressFunc progress,
                             gpointer progress_data,
                             GAsyncReadyCallback callback,
                             gpointer user_data);
CfdBackupInfo *cfd_vault_backup_finish (CfdVault *vault,
                                        GAsyncResult *result,
                                        GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* How the secret given to verify or restore is to be read. */
typedef enum
{
  CFD_BACKUP_SECRET_PASSPHRASE,
  CFD_BACKUP_SECRET_RECOVERY_KEY,
} CfdBackupSecretKind;

typedef enum
{
  CFD_RESTORE_FLAGS_NONE = 0,
  /* Replace a vault that exists in the target folder. A separate, explicit
   * confirmation: nothing sets it by default. */
  CFD_RESTORE_OVERWRITE_EXISTING_VAULT = 1 << 0,
} CfdRestoreFlags;

/* Verifies a backup without its vault: the user's passphrase (or the
 * recovery key; user is then ignored) opens the keyring in the header.
 * Every chunk is authenticated and the embedded database is decrypted into
 * a private temporary folder and checked with PRAGMA integrity_check. */
CfdBackupInfo *cfd_backup_verify (const char *path,
                                  const char *user,
                                  const char *secret,
                                  CfdBackupSecretKind kind,
                                  GCancellable *cancellable,
                                  CfdBackupProgressFunc progress,
                                  gpointer progress_data,
                                  GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Verifies a backup of this (unlocked) vault with its key, records the
 * outcome in the audit log and, for a file the ledger knows, the ledger. */
gboolean cfd_vault_verify_backup (CfdVault *vault,
                                  const char *path,
                                  GCancellable *cancellable,
                                  CfdBackupProgressFunc progress,
                                  gpointer progress_data,
                                  GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Restores into folder, which must not exist or be empty (or hold a vault,
 * with CFD_RESTORE_OVERWRITE_EXISTING_VAULT). Everything is verified in a
 * private folder beside it first; on any failure nothing is left behind and
 * an existing vault is untouched. */
CfdBackupInfo *cfd_backup_restore (const char *path,
                                   const char *folder,
                                   const char *user,
                                   const char *secret,
                                   CfdBackupSecretKind kind,
                                   CfdRestoreFlags flags,
                                   GCancellable *cancellable,
                                   CfdBackupProgressFunc progress,
                                   gpointer progress_data,
                                   GError **error) G_GNUC_WARN_UNUSED_RESULT;
void cfd_backup_restore_async (const char *path,
                               const char *folder,
                               const char *user,
                               const char *secret,
                               CfdBackupSecretKind kind,
                               CfdRestoreFlags flags,
                               GCancellable *cancellable,
                               CfdBackupProgressFunc progress,
                               gpointer progress_data,
                               GAsyncReadyCallback callback,
                               gpointer user_data);
CfdBackupInfo *cfd_backup_restore_finish (GAsyncResult *result,
                                          GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* One row of the media ledger: which medium got which backup. */
typedef struct
{
  guint64 seq;
  char *medium_label;
  char *medium_uuid; /* "" when the medium has none */
  char *location;    /* the folder written to */
  char *file_name;
  gint64 time; /* microseconds since the epoch, UTC */
  char *user_id;
  guint64 size;
  gboolean verified;
  gint64 verified_at; /* 0 when never verified */
} CfdBackupRecord;

void cfd_backup_record_free (CfdBackupRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfdBackupRecord, cfd_backup_record_free)

/* Newest first. */
GPtrArray *cfd_vault_list_backup_records (CfdVault *vault,
                                          GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
