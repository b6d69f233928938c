/* cfd-audit-verify.c: recomputing the audit chain and naming the first damage it shows.
 *
 * One pass over the log in seq order, in a read snapshot, holding one row
 * at a time. The stored hash of each row is both its link and its
 * commitment: a row that does not hash, from its predecessor's stored hash,
 * to its own stored hash is the first damage. Which kind it is follows from
 * the rows around it (see classify). Checkpoints are compared with the
 * recomputed chain, which equals the stored one up to the first damage. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "cfd-audit-verify.h"
#include "cfd-error.h"
#include "cfd-vault-private.h"

/* How many broken rows are kept for telling the kinds of damage apart. */
#define MAX_CAPTURED 64
/* How far a renumbered tail is searched back for its true position. */
#define MAX_SHIFT 64

static const char *const damage_names[] = {
  "intact", "edited", "deleted", "reordered", "rolled-back", "forged-checkpoint",
};

const char *
cfd_audit_damage_to_string (CfdAuditDamage damage)
{
  g_return_val_if_fail (damage <= CFD_AUDIT_DAMAGE_FORGED_CHECKPOINT, "edited");
  return damage_names[damage];
}

typedef struct
{
  gint64 seq;
  guint8 head[CFD_HASH_BYTES];
  gsize head_len; /* a receipt carries only a prefix */
  gboolean external;
} Expectation;

typedef struct
{
  CfdAuditEntry entry; /* strings owned */
  guint8 prev[CFD_HASH_BYTES];
  guint8 hash[CFD_HASH_BYTES];
} Captured;

static void
captured_free (gpointer data)
{
  Captured *c = data;

  g_free ((char *)c->entry.actor);
  g_free ((char *)c->entry.action);
  g_free ((char *)c->entry.object_kind);
  g_free ((char *)c->entry.object_id);
  g_free ((char *)c->entry.outcome);
  g_free ((char *)c->entry.authorization);
  g_free ((char *)c->entry.device);
  g_free (c);
}

static Captured *
capture (const CfdAuditEntry *entry, const guint8 prev[CFD_HASH_BYTES], const guint8 *hash)
{
  Captured *c = g_new0 (Captured, 1);

  c->entry.seq = entry->seq;
  c->entry.time = entry->time;
  c->entry.actor = g_strdup (entry->actor);
  c->entry.action = g_strdup (entry->action);
  c->entry.object_kind = g_strdup (entry->object_kind);
  c->entry.object_id = g_strdup (entry->object_id);
  c->entry.outcome = g_strdup (entry->outcome);
  c->entry.authorization = g_strdup (entry->authorization);
  c->entry.device = g_strdup (entry->device);
  memcpy (c->prev, prev, CFD_HASH_BYTES);
  if (hash != NULL)
    memcpy (c->hash, hash, CFD_HASH_BYTES);
  return c;
}

/* Does this content, placed at seq after prev, hash to target? */
static gboolean
chains_to (const CfdAuditEntry *content,
           gint64 seq,
           const guint8 prev[CFD_HASH_BYTES],
           const guint8 target[CFD_HASH_BYTES])
{
  CfdAuditEntry moved = *content;
  guint8 hash[CFD_HASH_BYTES];

  moved.seq = seq;
  cfd_audit_chain_hash (hash, prev, &moved);
  return memcmp (hash, target, CFD_HASH_BYTES) == 0;
}

/* The first broken row is captured[0]. Its content is genuine but misplaced
 * when it chains correctly at another broken row's position (with the hash
 * it carries or the one found there; with that position's predecessor, or,
 * for neighbours, the partner's hash). A tail renumbered after a deletion
 * shows as the next row chaining from this one under a higher seq. Else
 * the row was edited. */
static CfdAuditDamage
classify (GPtrArray *captured)
{
  Captured *first = g_ptr_array_index (captured, 0);

  for (guint i = 1; i < captured->len; i++)
    {
      Captured *other = g_ptr_array_index (captured, i);
      const guint8 *prevs[] = { other->prev, other->hash, first->hash };
      const guint8 *targets[] = { other->hash, first->hash };

      for (guint p = 0; p < G_N_ELEMENTS (prevs); p++)
        for (guint t = 0; t < G_N_ELEMENTS (targets); t++)
          if (chains_to (&first->entry, other->entry.seq, prevs[p], targets[t]))
            return CFD_AUDIT_DAMAGE_REORDERED;
    }

  if (captured->len > 1)
    {
      Captured *next = g_ptr_array_index (captured, 1);

      if (next->entry.seq == first->entry.seq + 1)
        for (gint64 shift = 1; shift <= MAX_SHIFT; shift++)
          if (chains_to (&next->entry, next->entry.seq + shift, first->hash, next->hash))
            return CFD_AUDIT_DAMAGE_DELETED;
    }
  return CFD_AUDIT_DAMAGE_EDITED;
}

static void
note (CfdAuditReport *report, CfdAuditDamage damage, gint64 seq, gint64 checkpoint_seq)
{
  if (report->damage != CFD_AUDIT_INTACT && report->first_bad_seq <= seq)
    return;
  report->damage = damage;
  report->first_bad_seq = seq;
  report->checkpoint_seq = checkpoint_seq;
}

static int
compare_expectations (gconstpointer a, gconstpointer b)
{
  const Expectation *x = a, *y = b;

  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static const char *
column_text (sqlite3_stmt *stmt, int column)
{
  const char *text = (const char *)sqlite3_column_text (stmt, column);

  return text != NULL ? text : "";
}

/* The signer's key and whether the roster makes them owner or therapist,
 * the only roles that vouch for the log. */
static gboolean
lookup_sign_pk (
    CfdDb *db, const char *user_id, guint8 pk[CFD_SIGN_PK_BYTES], gboolean *vouches, GError **error)
{
  sqlite3_stmt *stmt
      = cfd_db_prepare (db, "SELECT sign_pk, role FROM temp.roster WHERE id = ?", error);
  gboolean found;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, user_id, -1, SQLITE_TRANSIENT);
  found = sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_bytes (stmt, 0) == CFD_SIGN_PK_BYTES;
  if (found)
    memcpy (pk, sqlite3_column_blob (stmt, 0), CFD_SIGN_PK_BYTES);
  else
    memset (pk, 0, CFD_SIGN_PK_BYTES);
  *vouches = found && g_strcmp0 (column_text (stmt, 1), "supervisor") != 0;
  sqlite3_reset (stmt);
  return TRUE;
}

/* Stored checkpoints become expectations once their signatures verify;
 * ones that do not are damage of their own. */
static gboolean
load_stored_checkpoints (
    CfdDb *db, const char *vault_id, GArray *expectations, CfdAuditReport *report, GError **error)
{
  sqlite3_stmt *stmt = cfd_db_prepare (db,
                                       "SELECT c.seq, c.time, c.head, c.signer, c.signature, "
                                       "u.sign_pk, u.role FROM audit_checkpoints c "
                                       "LEFT JOIN temp.roster u ON u.id = c.signer",
                                       error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CfdAuditCheckpoint cp = { 0 };
      gboolean well_formed = sqlite3_column_bytes (stmt, 2) == CFD_HASH_BYTES
                             && sqlite3_column_bytes (stmt, 4) == CFD_SIGNATURE_BYTES
                             && sqlite3_column_bytes (stmt, 5) == CFD_SIGN_PK_BYTES;

      cp.seq = sqlite3_column_int64 (stmt, 0);
      cp.time = sqlite3_column_int64 (stmt, 1);
      g_strlcpy (cp.vault_id, vault_id, sizeof cp.vault_id);
      g_strlcpy (cp.signer, column_text (stmt, 3), sizeof cp.signer);
      if (well_formed)
        {
          memcpy (cp.head, sqlite3_column_blob (stmt, 2), CFD_HASH_BYTES);
          memcpy (cp.signature, sqlite3_column_blob (stmt, 4), CFD_SIGNATURE_BYTES);
          memcpy (cp.signer_pk, sqlite3_column_blob (stmt, 5), CFD_SIGN_PK_BYTES);
        }
      if (!well_formed || !cfd_audit_checkpoint_check_signature (&cp, cp.signer_pk))
        {
          note (report, CFD_AUDIT_DAMAGE_FORGED_CHECKPOINT, MAX (cp.seq, 1), cp.seq);
          continue;
        }
      /* Genuine, but from a version that let supervisors sign: it vouches
       * for nothing (docs/SECURITY.md, audit integrity). */
      if (g_strcmp0 (column_text (stmt, 6), "supervisor") == 0)
        {
          report->n_supervisor_checkpoints++;
          continue;
        }
      {
        Expectation e = { .seq = cp.seq, .head_len = CFD_HASH_BYTES, .external = FALSE };

        memcpy (e.head, cp.head, CFD_HASH_BYTES);
        g_array_append_val (expectations, e);
      }
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "reading audit checkpoints", error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
add_external (CfdDb *db,
              const char *vault_id,
              const CfdAuditCheckpoint *external,
              guint n_external,
              GArray *expectations,
              CfdAuditReport *report,
              GError **error)
{
  for (guint i = 0; i < n_external; i++)
    {
      const CfdAuditCheckpoint *cp = &external[i];
      guint8 pk[CFD_SIGN_PK_BYTES];
      gboolean vouches = FALSE;
      Expectation e = { .seq = cp->seq, .head_len = CFD_HASH_BYTES, .external = TRUE };

      if (strcmp (cp->vault_id, vault_id) != 0)
        {
          g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                       _ ("The audit checkpoint belongs to another vault"));
          return FALSE;
        }
      if (!lookup_sign_pk (db, cp->signer, pk, &vouches, error))
        return FALSE;
      if (cp->seq < 1 || !cfd_audit_checkpoint_check_signature (cp, pk))
        {
          note (report, CFD_AUDIT_DAMAGE_FORGED_CHECKPOINT, MAX (cp->seq, 1), cp->seq);
          continue;
        }
      if (!vouches)
        {
          report->n_supervisor_checkpoints++;
          continue;
        }
      memcpy (e.head, cp->head, CFD_HASH_BYTES);
      g_array_append_val (expectations, e);
    }
  return TRUE;
}

typedef struct
{
  CfdAuditDamage damage;
  gint64 seq;
  gint64 checkpoint_seq;
} Finding;

static gboolean
walk_chain (CfdDb *db, GArray *expectations, CfdAuditReport *report, GError **error)
{
  g_autoptr (GPtrArray) captured = g_ptr_array_new_with_free_func (captured_free);
  sqlite3_stmt *stmt = cfd_db_prepare (db,
                                       "SELECT seq, time, actor, action, object_kind, object_id, "
                                       "outcome, authorization, device, hash FROM audit_log "
                                       "ORDER BY seq",
                                       error);
  guint8 prev[CFD_HASH_BYTES] = { 0 };
  Finding chain = { CFD_AUDIT_INTACT, 0, 0 };
  Finding checkpoint = { CFD_AUDIT_INTACT, 0, 0 };
  gint64 expected = 1;
  gint64 last_good_checkpoint = 0;
  gboolean pending = FALSE;
  guint next = 0;
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CfdAuditEntry entry = {
        .seq = sqlite3_column_int64 (stmt, 0),
        .time = sqlite3_column_int64 (stmt, 1),
        .actor = column_text (stmt, 2),
        .action = column_text (stmt, 3),
        .object_kind = column_text (stmt, 4),
        .object_id = column_text (stmt, 5),
        .outcome = column_text (stmt, 6),
        .authorization = column_text (stmt, 7),
        .device = column_text (stmt, 8),
      };
      const guint8 *stored
          = sqlite3_column_bytes (stmt, 9) == CFD_HASH_BYTES ? sqlite3_column_blob (stmt, 9) : NULL;
      guint8 hash[CFD_HASH_BYTES];

      if (chain.damage == CFD_AUDIT_INTACT && entry.seq != expected)
        {
          chain.damage = entry.seq > expected ? CFD_AUDIT_DAMAGE_DELETED : CFD_AUDIT_DAMAGE_EDITED;
          chain.seq = expected;
        }

      cfd_audit_chain_hash (hash, prev, &entry);
      if (stored == NULL || memcmp (hash, stored, CFD_HASH_BYTES) != 0)
        {
          if (chain.damage == CFD_AUDIT_INTACT)
            {
              /* Its kind is decided once the rows after it are known. */
              chain.damage = CFD_AUDIT_DAMAGE_EDITED;
              chain.seq = entry.seq;
              pending = TRUE;
            }
          if (pending && captured->len < MAX_CAPTURED)
            g_ptr_array_add (captured, capture (&entry, prev, stored));
        }

      for (; next < expectations->len; next++)
        {
          const Expectation *e = &g_array_index (expectations, Expectation, next);

          if (e->seq > entry.seq)
            break;
          /* Past the first damage the recomputed chain means nothing. */
          if (chain.damage != CFD_AUDIT_INTACT || e->seq != entry.seq)
            continue;
          report->n_checkpoints++;
          if (memcmp (hash, e->head, e->head_len) == 0)
            last_good_checkpoint = e->seq;
          else if (checkpoint.damage == CFD_AUDIT_INTACT)
            checkpoint = (Finding){ CFD_AUDIT_DAMAGE_EDITED, last_good_checkpoint + 1, e->seq };
        }

      if (chain.damage == CFD_AUDIT_INTACT)
        memcpy (report->head, hash, CFD_HASH_BYTES);
      if (stored != NULL)
        memcpy (prev, stored, CFD_HASH_BYTES);
      else
        memset (prev, 0, CFD_HASH_BYTES);
      report->n_records++;
      report->last_seq = entry.seq;
      expected = entry.seq + 1;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      cfd_db_set_error (db, rc, "reading the audit log", error);
      return FALSE;
    }

  if (report->n_records == 0)
    note (report, CFD_AUDIT_DAMAGE_DELETED, 1, 0);
  if (chain.damage != CFD_AUDIT_INTACT)
    {
      if (pending)
        chain.damage = classify (captured);
      note (report, chain.damage, chain.seq, 0);
    }
  if (checkpoint.damage != CFD_AUDIT_INTACT)
    note (report, checkpoint.damage, checkpoint.seq, checkpoint.checkpoint_seq);

  /* Checkpoints beyond the end: the vault's own say records were removed
   * from the tail; one that had left the machine says it was rolled back. */
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = next; i < expectations->len; i++)
      {
        const Expectation *e = &g_array_index (expectations, Expectation, i);

        if (e->seq > report->last_seq && e->external == (pass == 1))
          {
            report->n_checkpoints++;
            note (report, e->external ? CFD_AUDIT_DAMAGE_ROLLED_BACK : CFD_AUDIT_DAMAGE_DELETED,
                  report->last_seq + 1, e->seq);
          }
      }
  return TRUE;
}

static gboolean
verify (CfdVault *vault,
        const CfdAuditCheckpoint *external,
        guint n_external,
        const Expectation *receipt,
        CfdAuditReport *report,
        GError **error)
{
  g_autoptr (CfdVaultJob) job = cfd_vault_job_begin (vault, error);
  g_autoptr (GArray) expectations = g_array_new (FALSE, FALSE, sizeof (Expectation));
  CfdDb *db;
  gboolean own_snapshot;
  gboolean ok;

  memset (report, 0, sizeof *report);
  if (job == NULL)
    return FALSE;
  db = cfd_vault_get_db (vault, error);

  /* One snapshot for checkpoints and log, so that a writer in another
   * process cannot make a fresh checkpoint look like it is past the end. */
  own_snapshot = !cfd_db_in_transaction (db);
  if (own_snapshot && !cfd_db_exec (db, "BEGIN DEFERRED", error))
    return FALSE;
  ok = load_stored_checkpoints (db, cfd_vault_get_id (vault), expectations, report, error)
       && add_external (db, cfd_vault_get_id (vault), external, n_external, expectations, report,
                        error);
  if (ok && receipt != NULL)
    g_array_append_val (expectations, *receipt);
  /* The head this user saw at their last lock, kept in their own wrapped
   * secrets: outside the database, like a receipt, so a log behind it was
   * rolled back. */
  {
    Expectation seen = { .head_len = CFD_HASH_BYTES, .external = TRUE };

    if (ok && cfd_vault_get_seen_audit_head (vault, &seen.seq, seen.head))
      g_array_append_val (expectations, seen);
  }
  g_array_sort (expectations, compare_expectations);
  ok = ok && walk_chain (db, expectations, report, error);
  if (own_snapshot)
    cfd_db_rollback (db);
  if (!ok)
    return FALSE;

  cfd_vault_audit_standalone (vault, "audit.verify", "vault", cfd_vault_get_id (vault),
                              report->damage == CFD_AUDIT_INTACT ? CFD_AUDIT_SUCCESS
                                                                 : CFD_AUDIT_FAILURE);
  if (report->damage != CFD_AUDIT_INTACT)
    {
      g_autofree char *what = cfd_audit_report_describe (report);

      g_set_error (error, CFD_ERROR, CFD_ERROR_TAMPERED, "%s", what);
      return FALSE;
    }
  return TRUE;
}

gboolean
cfd_vault_audit_verify (CfdVault *vault,
                        const CfdAuditCheckpoint *external,
                        guint n_external,
                        CfdAuditReport *report,
                        GError **error)
{
  g_return_val_if_fail (n_external == 0 || external != NULL, FALSE);
  return verify (vault, external, n_external, NULL, report, error);
}

gboolean
cfd_audit_verify_receipt (CfdVault *vault,
                          const char *receipt,
                          CfdAuditReport *report,
                          GError **error)
{
  Expectation e = { .head_len = CFD_AUDIT_RECEIPT_HEAD_BYTES, .external = TRUE };

  memset (report, 0, sizeof *report);
  if (!cfd_audit_receipt_parse (receipt, &e.seq, e.head, error))
    return FALSE;
  return verify (vault, NULL, 0, &e, report, error);
}

typedef struct
{
  CfdAuditCheckpoint *external;
  guint n_external;
  CfdAuditReport report;
} VerifyTask;

static void
verify_task_free (gpointer data)
{
  VerifyTask *vt = data;

  g_free (vt->external);
  g_free (vt);
}

static void
verify_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  VerifyTask *vt = data;
  GError *error = NULL;

  if (verify (CFD_VAULT (source), vt->external, vt->n_external, NULL, &vt->report, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
cfd_vault_audit_verify_async (CfdVault *vault,
                              const CfdAuditCheckpoint *external,
                              guint n_external,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (vault, cancellable, callback, user_data);
  VerifyTask *vt = g_new0 (VerifyTask, 1);

  g_return_if_fail (n_external == 0 || external != NULL);
  vt->external = n_external > 0 ? g_memdup2 (external, n_external * sizeof *external) : NULL;
  vt->n_external = n_external;
  g_task_set_source_tag (task, cfd_vault_audit_verify_async);
  g_task_set_task_data (task, vt, verify_task_free);
  g_task_run_in_thread (task, verify_thread);
}

/* The report is filled whether the log is intact or damaged. */
gboolean
cfd_vault_audit_verify_finish (CfdVault *vault,
                               GAsyncResult *result,
                               CfdAuditReport *report,
                               GError **error)
{
  VerifyTask *vt;

  g_return_val_if_fail (g_task_is_valid (result, vault), FALSE);
  vt = g_task_get_task_data (G_TASK (result));
  *report = vt->report;
  return g_task_propagate_boolean (G_TASK (result), error);
}

char *
cfd_audit_report_describe (const CfdAuditReport *report)
{
  switch (report->damage)
    {
      case CFD_AUDIT_INTACT:
        if (report->n_supervisor_checkpoints > 0)
          return g_strdup_printf ("The audit log is intact: %" G_GINT64_FORMAT
                                  " records, %u checkpoints match (%u older checkpoints signed "
                                  "by supervisors vouch for nothing and were not compared)",
                                  report->n_records, report->n_checkpoints,
                                  report->n_supervisor_checkpoints);
        return g_strdup_printf ("The audit log is intact: %" G_GINT64_FORMAT
                                " records, %u checkpoints match",
                                report->n_records, report->n_checkpoints);
      case CFD_AUDIT_DAMAGE_EDITED:
        if (report->checkpoint_seq != 0)
          return g_strdup_printf ("The audit log was rewritten: it no longer matches the "
                                  "checkpoint at record %" G_GINT64_FORMAT
                                  "; the damage starts at or after record %" G_GINT64_FORMAT,
                                  report->checkpoint_seq, report->first_bad_seq);
        return g_strdup_printf ("Audit record %" G_GINT64_FORMAT " was edited",
                                report->first_bad_seq);
      case CFD_AUDIT_DAMAGE_DELETED:
        return g_strdup_printf ("Audit records were deleted, starting at record %" G_GINT64_FORMAT,
                                report->first_bad_seq);
      case CFD_AUDIT_DAMAGE_REORDERED:
        return g_strdup_printf ("Audit record %" G_GINT64_FORMAT " was moved out of its place",
                                report->first_bad_seq);
      case CFD_AUDIT_DAMAGE_ROLLED_BACK:
        return g_strdup_printf (
            "The audit log was rolled back: it ends before record %" G_GINT64_FORMAT
            ", but a checkpoint kept outside the vault reaches record %" G_GINT64_FORMAT,
            report->first_bad_seq, report->checkpoint_seq);
      case CFD_AUDIT_DAMAGE_FORGED_CHECKPOINT:
      default:
        return g_strdup_printf ("The audit checkpoint at record %" G_GINT64_FORMAT
                                " has a signature that does not verify",
                                report->first_bad_seq);
    }
}
