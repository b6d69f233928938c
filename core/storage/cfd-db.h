/* cfd-db.h: the SQLCipher database: keying, settings that must take effect, schema, transactions. */
#pragma once

#if !defined(CFD_INSIDE) && !defined(CFD_COMPILATION)
#error "Only \"confidant.h\" can be included directly."
#endif

#include <glib.h>
#include <sqlite3.h>

#include "cfd-crypto.h"
#include "cfd-card-statement.h"
#include "cfd-roster.h"

G_BEGIN_DECLS

typedef struct _CfdDb CfdDb;

#define CFD_DB_BUSY_TIMEOUT_MS 10000

CfdDb *cfd_db_open (const char *path,
                    const guint8 key[CFD_KEY_BYTES],
                    gboolean create,
                    GError **error) G_GNUC_WARN_UNUSED_RESULT;
void cfd_db_close (CfdDb *db);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CfdDb, cfd_db_close)

sqlite3 *cfd_db_handle (CfdDb *db);
int cfd_db_schema_version (CfdDb *db);
/* Whether the vault's file has the table: a vault opened by a user who
 * does not migrate it may be of an older schema. */
gboolean cfd_db_has_table (CfdDb *db, const char *name);
int cfd_db_latest_schema_version (void);

/* Writers take the database lock up front (BEGIN IMMEDIATE), so two
 * processes never interleave read-modify-write of the same rows. */
gboolean cfd_db_begin (CfdDb *db, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean cfd_db_commit (CfdDb *db, GError **error) G_GNUC_WARN_UNUSED_RESULT;
void cfd_db_rollback (CfdDb *db);
gboolean cfd_db_in_transaction (CfdDb *db);

gboolean cfd_db_exec (CfdDb *db, const char *sql, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* After data is destroyed: secure_delete has zeroed the freed bytes in
 * the database file, and this moves the old pages out of the WAL as well.
 * Best effort (another reader may hold the WAL); what names the caller. */
void cfd_db_purge_wal (CfdDb *db, const char *what);

/* cfd-db-rekey.c: re-encrypts the file at path (the database db has open)
 * under new_key, outside any transaction, then checks on connections of
 * their own that old_key no longer opens it and new_key does. */
gboolean cfd_db_rekey (CfdDb *db,
                       const char *path,
                       const guint8 old_key[CFD_KEY_BYTES],
                       const guint8 new_key[CFD_KEY_BYTES],
                       GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Whether key opens the database file at path (read only, a connection of
 * its own). */
gboolean cfd_db_key_opens (const char *path, const guint8 key[CFD_KEY_BYTES]);

/* Statements are cached per database; the one returned is reset and unbound. */
sqlite3_stmt *cfd_db_prepare (CfdDb *db, const char *sql, GError **error);

/* Makes temp.roster, which every key and signer check reads, the verified
 * roster instead of the users table as stored. */
gboolean cfd_db_load_roster (CfdDb *db, const CfdRoster *roster, GError **error);
/* The card supervisors whose statements verified (CfdCardStatement), as
 * temp.roster's supervisors beside the signed roster; nothing before a
 * roster is loaded. */
gboolean cfd_db_load_card_statements (CfdDb *db, GPtrArray *statements, GError **error);

/* Steps a statement expected to finish (INSERT/UPDATE/DELETE). */
gboolean cfd_db_step_done (CfdDb *db, sqlite3_stmt *stmt, GError **error);

void cfd_db_set_error (CfdDb *db, int rc, const char *what, GError **error);

/* Binding and reading helpers for blobs held in GBytes. */
void cfd_db_bind_bytes (sqlite3_stmt *stmt, int column, GBytes *bytes);
GBytes *cfd_db_column_bytes (sqlite3_stmt *stmt, int column);

G_END_DECLS
