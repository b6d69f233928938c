/* cfd-test-check.h: invariants a vault on disk must keep after any fault, crash or attack. */
#pragma once

#include <glib.h>

#include "cfd-test-util.h"

G_BEGIN_DECLS

/* Some records are best effort and warn, by design, when the disk or a
 * damaged database refuses them (the lock, a failed unlock, a denied
 * action, the audit checkpoint at lock): after this call those warnings no
 * longer abort the test; every other warning still does. */
void cfd_test_allow_best_effort_warnings (void);

/* Opens the folder in a fresh CfdVault (as a new process would) and
 * unlocks it; NULL with error set when either step fails. */
CfdVault *cfd_test_reopen (const char *path,
                           const char *user,
                           const char *passphrase,
                           GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* PRAGMA integrity_check; FALSE with its first complaint otherwise. */
gboolean cfd_test_check_integrity (CfdVault *vault, GError **error);

/* Recomputes every audit record's hash from the one before it
 * (cfd_audit_chain_hash) and checks that sequence numbers run 1, 2, 3...
 * without a gap. rows_out gets the number of records. */
gboolean cfd_test_check_audit_chain (CfdVault *vault, guint *rows_out, GError **error);

/* No half-done state: every patient row has a grant of its current key
 * version to the owner; every grant belongs to a patient; every user in the
 * database is in the keyring and the other way round. */
gboolean cfd_test_check_consistency (CfdVault *vault, GError **error);

/* Decrypts every patient (archived ones too): id -> name. NULL with the
 * error of the first patient that does not open. */
GHashTable *cfd_test_patient_names (CfdVault *vault, GError **error);

/* Counts audit records with this action and outcome "success". */
guint cfd_test_count_audit (CfdVault *vault, const char *action);

/* All of the above; aborts the test on the first failure. Returns the
 * patients' names (id -> name). */
GHashTable *cfd_test_assert_sound (CfdVault *vault);

/* Copies a closed vault folder (database and keyring) to a new folder. */
char *cfd_test_copy_vault (const char *path);

G_END_DECLS
