/* cfd-audit-item.c: one audit record as an item of the audit viewer's list model. */
#include "config.h"

#include "cfd-audit-item.h"

struct _CfdAuditItem
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

G_DEFINE_FINAL_TYPE (CfdAuditItem, cfd_audit_item, G_TYPE_OBJECT)

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
cfd_audit_item_finalize (GObject *object)
{
  CfdAuditItem *self = CFD_AUDIT_ITEM (object);

  g_free (self->actor_id);
  g_free (self->actor_name);
  g_free (self->action);
  g_free (self->object_kind);
  g_free (self->object_id);
  g_free (self->outcome);
  g_free (self->authorization);
  g_free (self->device);
  G_OBJECT_CLASS (cfd_audit_item_parent_class)->finalize (object);
}

static void
cfd_audit_item_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  CfdAuditItem *self = CFD_AUDIT_ITEM (object);

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
cfd_audit_item_class_init (CfdAuditItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cfd_audit_item_finalize;
  object_class->get_property = cfd_audit_item_get_property;

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
cfd_audit_item_init (CfdAuditItem *self)
{
}

CfdAuditItem *
cfd_audit_item_new (const CfdAuditEntry *entry, const char *actor_name)
{
  CfdAuditItem *self = g_object_new (CFD_TYPE_AUDIT_ITEM, NULL);

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
cfd_audit_item_get_seq (CfdAuditItem *self)
{
  return self->seq;
}

gint64
cfd_audit_item_get_time (CfdAuditItem *self)
{
  return self->time;
}

const char *
cfd_audit_item_get_actor_id (CfdAuditItem *self)
{
  return self->actor_id;
}

const char *
cfd_audit_item_get_actor_name (CfdAuditItem *self)
{
  return self->actor_name;
}

const char *
cfd_audit_item_get_action (CfdAuditItem *self)
{
  return self->action;
}

const char *
cfd_audit_item_get_object_kind (CfdAuditItem *self)
{
  return self->object_kind;
}

const char *
cfd_audit_item_get_object_id (CfdAuditItem *self)
{
  return self->object_id;
}

const char *
cfd_audit_item_get_outcome (CfdAuditItem *self)
{
  return self->outcome;
}

const char *
cfd_audit_item_get_authorization (CfdAuditItem *self)
{
  return self->authorization;
}

const char *
cfd_audit_item_get_device (CfdAuditItem *self)
{
  return self->device;
}
