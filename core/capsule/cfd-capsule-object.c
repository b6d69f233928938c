/* cfd-capsule-object.c: a capsule and its records as the supervisor's vault shows them, read-only. */
#include "config.h"

#include "cfd-capsule-supervisor-private.h"

struct _CfdCapsule
{
  GObject parent_instance;

  char *id;
  char *consent_id;
  char *patient_id;
  char *therapist_name;
  char *therapist_fingerprint;
  gint64 created;
  gint64 expires;
  gboolean expired;
  GVariant *payload; /* decrypted; wiped with its buffer; NULL unless opened */
  GListStore *records;
};

struct _CfdCapsuleRecord
{
  GObject parent_instance;

  GVariant *item;    /* one (sssssxxa{sv}ayay) of the payload */
  GVariant *content; /* its a{sv} child */
};

G_DEFINE_FINAL_TYPE (CfdCapsule, cfd_capsule, G_TYPE_OBJECT)
G_DEFINE_FINAL_TYPE (CfdCapsuleRecord, cfd_capsule_record, G_TYPE_OBJECT)

static void
cfd_capsule_finalize (GObject *object)
{
  CfdCapsule *self = CFD_CAPSULE (object);

  g_free (self->id);
  g_free (self->consent_id);
  g_free (self->patient_id);
  g_free (self->therapist_name);
  g_free (self->therapist_fingerprint);
  g_clear_object (&self->records);
  g_clear_pointer (&self->payload, g_variant_unref);
  G_OBJECT_CLASS (cfd_capsule_parent_class)->finalize (object);
}

static void
cfd_capsule_class_init (CfdCapsuleClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cfd_capsule_finalize;
}

static void
cfd_capsule_init (CfdCapsule *self)
{
  self->records = g_list_store_new (CFD_TYPE_CAPSULE_RECORD);
}

static void
cfd_capsule_record_finalize (GObject *object)
{
  CfdCapsuleRecord *self = CFD_CAPSULE_RECORD (object);

  g_clear_pointer (&self->content, g_variant_unref);
  g_clear_pointer (&self->item, g_variant_unref);
  G_OBJECT_CLASS (cfd_capsule_record_parent_class)->finalize (object);
}

static void
cfd_capsule_record_class_init (CfdCapsuleRecordClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cfd_capsule_record_finalize;
}

static void
cfd_capsule_record_init (CfdCapsuleRecord *self)
{
}

CfdCapsule *
cfd_capsule_new (const char *id,
                 const char *consent_id,
                 const char *patient_id,
                 const char *therapist_name,
                 const char *therapist_fingerprint,
                 gint64 created,
                 gint64 expires,
                 gboolean expired)
{
  CfdCapsule *self = g_object_new (CFD_TYPE_CAPSULE, NULL);

  self->id = g_strdup (id);
  self->consent_id = g_strdup (consent_id);
  self->patient_id = g_strdup (patient_id);
  self->therapist_name = g_strdup (therapist_name);
  self->therapist_fingerprint = g_strdup (therapist_fingerprint);
  self->created = created;
  self->expires = expires;
  self->expired = expired;
  return self;
}

void
cfd_capsule_set_payload (CfdCapsule *self, GVariant *payload)
{
  g_autoptr (GVariant) records = NULL;
  GVariantIter iter;
  GVariant *item;

  g_clear_pointer (&self->payload, g_variant_unref);
  g_list_store_remove_all (self->records);
  self->payload = g_variant_ref (payload);
  records = g_variant_get_child_value (payload, 2);
  g_variant_iter_init (&iter, records);
  while ((item = g_variant_iter_next_value (&iter)) != NULL)
    {
      g_autoptr (CfdCapsuleRecord) record = g_object_new (CFD_TYPE_CAPSULE_RECORD, NULL);

      record->item = item;
      record->content = g_variant_get_child_value (item, 7);
      g_list_store_append (self->records, record);
    }
}

const char *
cfd_capsule_get_id (CfdCapsule *self)
{
  return self->id;
}

const char *
cfd_capsule_get_consent_id (CfdCapsule *self)
{
  return self->consent_id;
}

const char *
cfd_capsule_get_patient_id (CfdCapsule *self)
{
  return self->patient_id;
}

const char *
cfd_capsule_get_therapist_name (CfdCapsule *self)
{
  return self->therapist_name;
}

const char *
cfd_capsule_get_therapist_fingerprint (CfdCapsule *self)
{
  return self->therapist_fingerprint;
}

gint64
cfd_capsule_get_created (CfdCapsule *self)
{
  return self->created;
}

gint64
cfd_capsule_get_expires (CfdCapsule *self)
{
  return self->expires;
}

gboolean
cfd_capsule_get_expired (CfdCapsule *self)
{
  return self->expired;
}

static const char *
terms_string (CfdCapsule *self, const char *key)
{
  g_autoptr (GVariant) terms = NULL;
  const char *value = "";

  if (self->payload == NULL)
    return "";
  terms = g_variant_get_child_value (self->payload, 0);
  g_variant_lookup (terms, key, "&s", &value);
  return value;
}

const char *
cfd_capsule_get_patient_name (CfdCapsule *self)
{
  const char *name = "";

  if (self->payload != NULL)
    g_variant_get_child (self->payload, 1, "&s", &name);
  return name;
}

CfdConsentScope
cfd_capsule_get_scope (CfdCapsule *self)
{
  CfdConsentScope scope = CFD_CONSENT_SCOPE_MEDICAL;

  cfd_consent_scope_from_string (terms_string (self, "scope"), &scope);
  return scope;
}

const char *
cfd_capsule_get_purpose (CfdCapsule *self)
{
  return terms_string (self, "purpose");
}

GListModel *
cfd_capsule_get_records (CfdCapsule *self)
{
  return G_LIST_MODEL (self->records);
}

static const char *
item_string (CfdCapsuleRecord *self, gsize index)
{
  const char *value = NULL;

  g_variant_get_child (self->item, index, "&s", &value);
  return value;
}

static gint64
item_time (CfdCapsuleRecord *self, gsize index)
{
  gint64 value = 0;

  g_variant_get_child (self->item, index, "x", &value);
  return value;
}

const char *
cfd_capsule_record_get_id (CfdCapsuleRecord *self)
{
  return item_string (self, 0);
}

const char *
cfd_capsule_record_get_parent_id (CfdCapsuleRecord *self)
{
  const char *parent = item_string (self, 1);

  return *parent != '\0' ? parent : NULL;
}

const char *
cfd_capsule_record_get_kind (CfdCapsuleRecord *self)
{
  return item_string (self, 3);
}

gboolean
cfd_capsule_record_is_psychotherapy_note (CfdCapsuleRecord *self)
{
  return g_strcmp0 (item_string (self, 4), "psychotherapy") == 0;
}

gint64
cfd_capsule_record_get_occurred (CfdCapsuleRecord *self)
{
  return item_time (self, 5);
}

gint64
cfd_capsule_record_get_signed_at (CfdCapsuleRecord *self)
{
  return item_time (self, 6);
}

GVariant *
cfd_capsule_record_get_content (CfdCapsuleRecord *self)
{
  return self->content;
}

const char *
cfd_capsule_record_get_text (CfdCapsuleRecord *self, const char *field)
{
  const char *text = NULL;

  if (!g_variant_lookup (self->content, field, "&s", &text))
    return NULL;
  return text;
}
