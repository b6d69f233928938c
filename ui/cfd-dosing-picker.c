/* cfd-dosing-picker.c: choosing the signed dosing session a session record follows.
 *
 * The link stays the dosing record's id in a text field (the vault checks
 * it at signing); this only saves typing or pasting it. */
#include "config.h"

#include <glib/gi18n.h>

#include "cfd-dosing-picker.h"

/* "2026-12-01 · Esketamine 56 mg" */
static char *
describe (CfdRecord *dosing)
{
  const CfdTemplateField *field
      = cfd_template_find_field (cfd_template_get (CFD_RECORD_DOSING), "medication");
  GVariant *content = cfd_record_get_content (dosing);
  g_autofree char *date = cfd_date_format (cfd_record_get_occurred (dosing));
  const char *medication = NULL;
  double dose;

  if (!g_variant_lookup (content, "medication", "&s", &medication))
    medication = NULL;
  if (g_variant_lookup (content, "dose-mg", "d", &dose))
    return g_strdup_printf (
        "%s · %s %g mg", date,
        medication != NULL ? cfd_template_field_choice_label (field, medication) : "", dose);
  return g_strdup_printf ("%s · %s", date,
                          medication != NULL ? cfd_template_field_choice_label (field, medication)
                                             : "");
}

static void
chosen (GtkDropDown *drop_down, GParamSpec *pspec, GtkWidget *entry)
{
  GPtrArray *ids = g_object_get_data (G_OBJECT (drop_down), "ids");
  guint selected = gtk_drop_down_get_selected (drop_down);

  /* Item 0 is the prompt: choosing it leaves what was typed. */
  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION || selected > ids->len)
    return;
  gtk_editable_set_text (GTK_EDITABLE (entry), g_ptr_array_index (ids, selected - 1));
}

/* The chosen session, as the button shows it: ellipsized, so that a long
 * description (or a longer language) does not widen the editor past a
 * 360 px window. */
static void
setup_ellipsized (GtkSignalListItemFactory *factory, GtkListItem *item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_list_item_set_child (item, label);
}

static void
setup_wrapped (GtkSignalListItemFactory *factory, GtkListItem *item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_list_item_set_child (item, label);
}

static void
bind_ellipsized (GtkSignalListItemFactory *factory, GtkListItem *item)
{
  GtkStringObject *text = gtk_list_item_get_item (item);

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (item)),
                       gtk_string_object_get_string (text));
}

void
cfd_dosing_picker_attach (GtkWidget *entry, CfdVault *vault, CfdRecord *session)
{
  g_autoptr (GListModel) records
      = cfd_vault_list_records (vault, cfd_record_get_patient_id (session), NULL);
  g_autofree char *session_day = cfd_date_format (cfd_record_get_occurred (session));
  g_autoptr (GtkStringList) labels = gtk_string_list_new (NULL);
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  GtkWidget *drop_down;

  gtk_string_list_append (labels, _ ("Choose a Signed Dosing Session…"));
  /* The timeline is newest first already. */
  for (guint i = 0; records != NULL && i < g_list_model_get_n_items (records); i++)
    {
      g_autoptr (CfdRecord) record = g_list_model_get_item (records, i);
      g_autofree char *day = NULL;
      g_autofree char *label = NULL;

      if (cfd_record_get_kind (record) != CFD_RECORD_DOSING
          || cfd_record_get_status (record) != CFD_RECORD_SIGNED)
        continue;
      day = cfd_date_format (cfd_record_get_occurred (record));
      /* A dosing record dated after the session cannot be linked. */
      if (g_strcmp0 (day, session_day) > 0)
        continue;
      label = describe (record);
      gtk_string_list_append (labels, label);
      g_ptr_array_add (ids, g_strdup (cfd_record_get_id (record)));
    }
  if (ids->len == 0)
    {
      g_ptr_array_unref (ids);
      return;
    }
  drop_down = gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&labels)), NULL);
  {
    g_autoptr (GtkListItemFactory) shown = gtk_signal_list_item_factory_new ();
    g_autoptr (GtkListItemFactory) listed = gtk_signal_list_item_factory_new ();

    g_signal_connect (shown, "setup", G_CALLBACK (setup_ellipsized), NULL);
    g_signal_connect (shown, "bind", G_CALLBACK (bind_ellipsized), NULL);
    gtk_drop_down_set_factory (GTK_DROP_DOWN (drop_down), shown);
    /* The list that drops down wraps instead, every word readable. */
    g_signal_connect (listed, "setup", G_CALLBACK (setup_wrapped), NULL);
    g_signal_connect (listed, "bind", G_CALLBACK (bind_ellipsized), NULL);
    gtk_drop_down_set_list_factory (GTK_DROP_DOWN (drop_down), listed);
  }
  gtk_widget_set_name (drop_down, "dosing-picker");
  gtk_widget_set_halign (drop_down, GTK_ALIGN_START);
  gtk_accessible_update_property (GTK_ACCESSIBLE (drop_down), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Choose the linked dosing session"), -1);
  g_object_set_data_full (G_OBJECT (drop_down), "ids", ids, (GDestroyNotify)g_ptr_array_unref);
  g_signal_connect_object (drop_down, "notify::selected", G_CALLBACK (chosen), entry, 0);
  gtk_widget_insert_after (drop_down, gtk_widget_get_parent (entry), entry);
}
