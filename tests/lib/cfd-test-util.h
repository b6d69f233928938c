/* cfd-test-util.h: what core tests share: scratch folders, cheap vaults, canary scans. */
#pragma once

#include <glib.h>

#include "cfd-patient.h"
#include "cfd-unlock-policy.h"
#include "cfd-vault-private.h"

G_BEGIN_DECLS

/* Twelve random characters make a chance match in ciphertext negligible
 * when the passphrase is searched for as a canary. */
#define CFD_TEST_PASSPHRASE "correct horse battery staple Vq7Rk2XmP9tZ"

/* g_test_init, scratch folders, weak KDF parameters, and the log watch. */
void cfd_test_init (int *argc, char ***argv);

/* Only the log watch (cfd_test_add_canary), for tests with a setup of
 * their own; before anything is logged. */
void cfd_test_watch_logs (void);

/* A fresh folder under the test's temporary directory, removed at exit. */
char *cfd_test_make_dir (void);

/* A vault with weak KDF parameters, unlocked as its owner "Test Owner". */
CfdVault *cfd_test_vault_new (char **path_out, char **recovery_out);

/* Adds a patient named name followed by a random tag (see
 * cfd_test_canary), which is the patient's whole name. */
char *cfd_test_add_patient (CfdVault *vault, const char *name);

/* Text that must never be logged or stored in the clear: any log message
 * that holds it, at any level, debug included, aborts the test, and so
 * does a file left in the scratch folder. CFD_TEST_PASSPHRASE is one.
 * A canary must be at least CFD_TEST_CANARY_MIN_BYTES long, so that it
 * cannot occur in ciphertext by chance (a 3-letter name does, in about one
 * vault in a hundred). */
#define CFD_TEST_CANARY_MIN_BYTES 16
void cfd_test_add_canary (const char *text);

/* label, a space and CFD_TEST_TAG_CHARS random letters and digits, added
 * as a canary. Freed at exit. */
#define CFD_TEST_TAG_CHARS 12
const char *cfd_test_canary (const char *label);

/* TRUE when name is label followed by a tag, as cfd_test_canary makes it. */
gboolean cfd_test_name_is (const char *name, const char *label);

/* Where log messages go once they have been searched for canaries
 * (GLib allows one writer per process; this is the way to add another). */
void cfd_test_set_log_writer (GLogWriterFunc writer);

/* The single number a query such as "SELECT count(*) FROM records" returns,
 * read through the vault's own database connection. */
gint64 cfd_test_count_rows (CfdVault *vault, const char *sql);

/* TRUE when needle occurs in any file below dir (recursively). */
gboolean cfd_test_dir_contains (const char *dir, const char *needle);

/* A whole file, or a new file of mode 0600; abort the test on failure. */
GBytes *cfd_test_read_bytes (const char *path);
void cfd_test_write_bytes (const char *path, const guint8 *data, gsize len);

/* Runs sql on the raw database with the vault's key (for tamper tests). */
void cfd_test_flip_byte (const char *path, goffset offset);

G_END_DECLS
