/* cfd-audit-entry-object.c: one audit record as an item of the audit viewer's list model. */
#include "config.h"

#include "cfd-audit-entry-object.h"

struct _CfdAuditEntryObject
{
  GObject parent_instance;

  gint64 seq;
  gint64 time;
  char *actor_id;
  char *actor_name;
  char *action;
  char *object_kind;
  char *object_id;
  char *outcome;
  char *authorization;
  char *device;
};

G_DEFINE_FINAL_TYPE (CfdAuditEntryObject, cfd_audit_entry_object, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_SEQ,
  PROP_TIME,
  PROP_ACTOR_ID,
  PROP_ACTOR_NAME,
  PROP_ACTION,
  PROP_OBJECT_KIND,
  PROP_OBJECT_ID,
  PROP_OUTCOME,
  PROP_AUTHORIZATION,
  PROP_DEVICE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
cfd_audit_entry_object_finalize (GObject *object)
{
  CfdAuditEntryObject *self = CFD_AUDIT_ENTRY_OBJECT (object);

  g_free (self->actor_id);
  g_free (self->actor_name);
  g_free (self->action);
  g_free (self->object_kind);
  g_free (self->object_id);
  g_free (self->outcome);
  g_free (self->authorization);
  g_free (self->device);
  G_OBJECT_CLASS (cfd_audit_entry_object_parent_class)->finalize (object);
}

static void
cfd_audit_entry_object_get_property (GObject *object,
                                     guint prop_id,
                                     GValue *value,
                                     GParamSpec *pspec)
{
  CfdAuditEntryObject *self = CFD_AUDIT_ENTRY_OBJECT (object);

  switch (prop_id)
    {
      case PROP_SEQ:
        g_value_set_int64 (value, self->seq);
        break;
      case PROP_TIME:
        g_value_set_int64 (value, self->time);
        break;
      case PROP_ACTOR_ID:
        g_value_set_string (value, self->actor_id);
        break;
      case PROP_ACTOR_NAME:
        g_value_set_string (value, self->actor_name);
        break;
      case PROP_ACTION:
        g_value_set_string (value, self->action);
        break;
      case PROP_OBJECT_KIND:
        g_value_set_string (value, self->object_kind);
        break;
      case PROP_OBJECT_ID:
        g_value_set_string (value, self->object_id);
        break;
      case PROP_OUTCOME:
        g_value_set_string (value, self->outcome);
        break;
      case PROP_AUTHORIZATION:
        g_value_set_string (value, self->authorization);
        break;
      case PROP_DEVICE:
        g_value_set_string (value, self->device);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
string_property (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static void
cfd_audit_entry_object_class_init (CfdAuditEntryObjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cfd_audit_entry_object_finalize;
  object_class->get_property = cfd_audit_entry_object_get_property;

  properties[PROP_SEQ] = g_param_spec_int64 ("seq", NULL, NULL, 0, G_MAXINT64, 0,
                                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TIME] = g_param_spec_int64 ("time", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACTOR_ID] = string_property ("actor-id");
  properties[PROP_ACTOR_NAME] = string_property ("actor-name");
  properties[PROP_ACTION] = string_property ("action");
  properties[PROP_OBJECT_KIND] = string_property ("object-kind");
  properties[PROP_OBJECT_ID] = string_property ("object-id");
  properties[PROP_OUTCOME] = string_property ("outcome");
  properties[PROP_AUTHORIZATION] = string_property ("authorization");
  properties[PROP_DEVICE] = string_property ("device");
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cfd_audit_entry_object_init (CfdAuditEntryObject *self)
{
}

CfdAuditEntryObject *
cfd_audit_entry_object_new (const CfdAuditEntry *entry, const char *actor_name)
{
  CfdAuditEntryObject *self = g_object_new (CFD_TYPE_AUDIT_ENTRY_OBJECT, NULL);

  self->seq = entry->seq;
  self->time = entry->time;
  self->actor_id = g_strdup (entry->actor);
  self->actor_name = g_strdup (actor_name);
  self->action = g_strdup (entry->action);
  self->object_kind = g_strdup (entry->object_kind);
  self->object_id = g_strdup (entry->object_id);
  self->outcome = g_strdup (entry->outcome);
  self->authorization = g_strdup (entry->authorization);
  self->device = g_strdup (entry->device);
  return self;
}

gint64
cfd_audit_entry_object_get_seq (CfdAuditEntryObject *self)
{
  return self->seq;
}

gint64
cfd_audit_entry_object_get_time (CfdAuditEntryObject *self)
{
  return self->time;
}

const char *
cfd_audit_entry_object_get_actor_id (CfdAuditEntryObject *self)
{
  return self->actor_id;
}

const char *
cfd_audit_entry_object_get_actor_name (CfdAuditEntryObject *self)
{
  return self->actor_name;
}

const char *
cfd_audit_entry_object_get_action (CfdAuditEntryObject *self)
{
  return self->action;
}

const char *
cfd_audit_entry_object_get_object_kind (CfdAuditEntryObject *self)
{
  return self->object_kind;
}

const char *
cfd_audit_entry_object_get_object_id (CfdAuditEntryObject *self)
{
  return self->object_id;
}

const char *
cfd_audit_entry_object_get_outcome (CfdAuditEntryObject *self)
{
  return self->outcome;
}

const char *
cfd_audit_entry_object_get_authorization (CfdAuditEntryObject *self)
{
  return self->authorization;
}

const char *
cfd_audit_entry_object_get_device (CfdAuditEntryObject *self)
{
  return self->device;
}
