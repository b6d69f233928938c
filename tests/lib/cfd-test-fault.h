/* cfd-test-fault.h: sweeps an injected I/O fault over every I/O call of one vault operation. */
#pragma once

#include "cfd-test-check.h"

G_BEGIN_DECLS

/* Runs the operation on an unlocked copy of a vault; FALSE with error set
 * when it reports a failure. */
typedef gboolean (*CfdFaultOp) (CfdVault *vault, gpointer data, GError **error);

/* Checks the folder after the operation, which reported success or not. */
typedef void (*CfdFaultVerify) (const char *path, gboolean succeeded, gpointer data);

typedef struct
{
  const char *name;
  const char *template_path; /* a closed vault, copied afresh for every run */
  const char *user;          /* NULL: the owner */
  const char *passphrase;
  CfdFaultOp op;
  CfdFaultVerify verify;
  gpointer data;
} CfdFaultSweep;

/* For the Nth I/O call, N = 1, 2, ... until a run no longer reaches N:
 * copy the template, unlock, arm the fault, run the operation, disarm, check
 * the error (NO_SPACE for ENOSPC, IO otherwise), check the same vault is
 * still usable, then verify from disk both while that vault is still open
 * and after it has been closed. Done three times: a one-off EIO, a one-off
 * ENOSPC, and an ENOSPC that persists (a disk that stays full).
 * CFD_FAULT_MAX_POINTS (default 400) caps N per mode. */
void cfd_test_fault_sweep (const CfdFaultSweep *sweep);

G_END_DECLS
