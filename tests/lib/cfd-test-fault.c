/* cfd-test-fault.c: sweeps an injected I/O fault over every I/O call of one vault operation. */
#include "config.h"

#include <errno.h>

#include "cfd-io-private.h"
#include "cfd-test-fault.h"

typedef struct
{
  const char *label;
  int err;
  gboolean persistent;
} FaultMode;

static const FaultMode modes[] = {
  { "EIO once", EIO, FALSE },
  { "ENOSPC once", ENOSPC, FALSE },
  { "ENOSPC from then on", ENOSPC, TRUE },
};

static guint
max_points (void)
{
  const char *env = g_getenv ("CFD_FAULT_MAX_POINTS");

  return env != NULL ? (guint)g_ascii_strtoull (env, NULL, 10) : 400;
}

typedef struct
{
  guint failed;   /* reported an error */
  guint absorbed; /* hit the fault and still succeeded (a retry, a best-effort step) */
} Tally;

/* TRUE when the run reached the armed call. */
static gboolean
run_once (const CfdFaultSweep *sweep, const FaultMode *mode, guint nth, Tally *tally)
{
  g_autofree char *path = cfd_test_copy_vault (sweep->template_path);
  g_autoptr (GError) error = NULL;
  g_autoptr (CfdVault) vault = cfd_test_reopen (path, sweep->user, sweep->passphrase, &error);
  gboolean succeeded;
  gboolean reached;
  guint calls;

  g_assert_no_error (error);

  if (mode->persistent)
    cfd_io_fault_arm_persistent (nth, mode->err);
  else
    cfd_io_fault_arm (nth, mode->err);
  succeeded = sweep->op (vault, sweep->data, &error);
  calls = cfd_io_fault_count ();
  reached = calls >= nth;
  cfd_io_fault_arm (0, 0);

  if (reached)
    {
      if (succeeded)
        tally->absorbed++;
      else
        tally->failed++;
    }
  if (!succeeded)
    {
      /* A failure without an injected fault would be a bug of its own. */
      if (!reached)
        g_error ("%s failed at I/O call %u (%s) without reaching it: %s", sweep->name, nth,
                 mode->label, error->message);
      g_assert_nonnull (error);
      if (mode->err == ENOSPC)
        g_assert_error (error, CFD_ERROR, CFD_ERROR_NO_SPACE);
      else
        g_assert_error (error, CFD_ERROR, CFD_ERROR_IO);
    }
  else
    g_assert_no_error (error);

  g_debug ("%s, %s, I/O call %u of %u: %s", sweep->name, mode->label, nth, calls,
           succeeded ? "succeeded" : error->message);
  g_clear_error (&error);

  /* The same vault goes on working once the disk recovers (an unlock that
   * failed left it locked: unlocking again works). */
  if (!cfd_vault_is_unlocked (vault))
    {
      g_assert_true (cfd_vault_unlock (vault, sweep->user, sweep->passphrase, &error));
      g_assert_no_error (error);
    }
  {
    g_autoptr (GListModel) list = cfd_vault_list_patients (vault, TRUE, &error);

    g_assert_no_error (error);
    g_assert_nonnull (list);
  }

  /* As a second process sees it while this one is still running... */
  sweep->verify (path, succeeded, sweep->data);
  /* ...and as the next start of the app sees it. */
  g_clear_object (&vault);
  sweep->verify (path, succeeded, sweep->data);
  return reached;
}

void
cfd_test_fault_sweep (const CfdFaultSweep *sweep)
{
  guint cap = max_points ();

  cfd_test_allow_best_effort_warnings ();

  for (guint m = 0; m < G_N_ELEMENTS (modes); m++)
    {
      Tally tally = { 0 };
      guint nth;

      for (nth = 1; nth <= cap; nth++)
        if (!run_once (sweep, &modes[m], nth, &tally))
          break;
      /* An operation without I/O, or a fault that never surfaces, would
       * make the sweep prove nothing. */
      g_assert_cmpuint (nth, >, 1);
      g_assert_cmpuint (tally.failed, >, 0);
      if (nth > cap)
        g_test_message ("%s, %s: stopped at the cap of %u I/O calls", sweep->name, modes[m].label,
                        cap);
      else
        g_test_message ("%s, %s: %u I/O calls failed in turn: %u reported, %u absorbed",
                        sweep->name, modes[m].label, nth - 1, tally.failed, tally.absorbed);
    }
}
