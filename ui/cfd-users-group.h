/* cfd-users-group.h: the vault's users with role and key fingerprint; the owner adds therapists and supervisors. */
#pragma once

#include <adwaita.h>

#include "confidant.h"

G_BEGIN_DECLS

#define CFD_TYPE_USERS_GROUP (cfd_users_group_get_type ())
G_DECLARE_FINAL_TYPE (CfdUsersGroup, cfd_users_group, CFD, USERS_GROUP, AdwPreferencesGroup)

CfdUsersGroup *cfd_users_group_new (CfdVault *vault);

/* Reads the roster again. */
void cfd_users_group_refresh (CfdUsersGroup *self);

G_END_DECLS
