/* cfd-window-private.h: the window's state, shared by its files split by concern. */
#pragma once

#include "cfd-backup-banner.h"
#include "cfd-create-page.h"
#include "cfd-idle-monitor.h"
#include "cfd-recovery-key-page.h"
#include "cfd-unlock-page.h"
#include "cfd-vault-banner.h"
#include "cfd-window.h"
#include "cfd-workspace.h"

G_BEGIN_DECLS

struct _CfdWindow
{
  AdwApplicationWindow parent_instance;

  char *vault_path;
  CfdVault *vault;
  gulong locked_handler;

  /* Where the user was when the vault locked: ids only, no patient text. */
  char *resume_patient_id;
  char *resume_record_id;

  guint auto_lock_interval;
  guint auto_lock_source;
  gint64 last_activity; /* the window's own restarts of the idle clock */
  CfdIdleMonitor *idle_monitor;
  gboolean watching_settings;
#ifdef CFD_TESTING
  CfdWindowClockFunc clock_func;
  gpointer clock_data;
#endif

  AdwToastOverlay *toast_overlay;
  GtkStack *stack;
  CfdCreatePage *create_page;
  CfdRecoveryKeyPage *recovery_key_page;
  CfdUnlockPage *unlock_page;
  CfdWorkspace *workspace;
  AdwStatusPage *error_page;
  GtkRevealer *tamper_banner;
  GtkLabel *tamper_label;
  CfdBackupBanner *backup_banner;
  CfdVaultBanner *vault_banner;
};

void cfd_window_actions_class_init (GtkWidgetClass *widget_class);
void cfd_window_actions_init (CfdWindow *self);
void cfd_window_actions_dispose (CfdWindow *self);
void cfd_window_note_activity (CfdWindow *self);
void cfd_window_actions_restart_idle (CfdWindow *self);
void cfd_window_actions_watch_settings (CfdWindow *self, GSettings *settings);
void cfd_window_actions_watch_idle (CfdWindow *self, CfdIdleMonitor *monitor);

G_END_DECLS
