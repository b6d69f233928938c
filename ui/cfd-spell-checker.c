/* cfd-spell-checker.c: spell checking for a text view with Enchant: misspellings underlined, suggestions in the context menu. */
#include "config.h"

#include <string.h>

#include <enchant.h>
#include <glib/gi18n.h>

#include "cfd-spell-checker.h"

/* Debian 12 has no libspelling and gspell is for GTK 3: Enchant (with
 * Hunspell's dictionaries) directly. Words added with "Add to Dictionary"
 * are kept for this session only: Enchant's personal word list is a plain
 * file in ~/.config, and the words a therapist adds are mostly names. */
struct _CfdSpellChecker
{
  GObject parent_instance;

  GtkTextView *view; /* weak */
  EnchantDict *dict;
  char *language;
  GtkTextTag *tag;
  guint recheck_source;
  /* The word the context menu is about, in characters. */
  int menu_start;
  int menu_end;
  GMenu *menu;
  GSimpleActionGroup *actions;
};

G_DEFINE_FINAL_TYPE (CfdSpellChecker, cfd_spell_checker, G_TYPE_OBJECT)

#define MAX_SUGGESTIONS 6

static EnchantBroker *
get_broker (void)
{
  static EnchantBroker *broker;

  /* One for the process, as Enchant loads its providers once. */
  if (broker == NULL)
    broker = enchant_broker_init ();
  return broker;
}

static void
add_language (const char *const lang_tag,
              const char *const provider_name,
              const char *const provider_desc,
              const char *const provider_file,
              void *user_data)
{
  GPtrArray *languages = user_data;

  if (!g_ptr_array_find_with_equal_func (languages, lang_tag, g_str_equal, NULL))
    g_ptr_array_add (languages, g_strdup (lang_tag));
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *)a, *(const char *const *)b);
}

GStrv
cfd_spell_checker_list_languages (void)
{
  GPtrArray *languages = g_ptr_array_new ();

  enchant_broker_list_dicts (get_broker (), add_language, languages);
  g_ptr_array_sort (languages, compare_strings);
  g_ptr_array_add (languages, NULL);
  return (GStrv)g_ptr_array_free (languages, FALSE);
}

/* The language chosen in Preferences (spell-language), else the locale's
 * if there is a dictionary for it, else English. */
static char *
pick_language (void)
{
  const char *const *names = g_get_language_names ();
  EnchantBroker *broker = get_broker ();
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema
      = source != NULL ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;

  if (schema != NULL)
    {
      g_autoptr (GSettings) settings = g_settings_new_full (schema, NULL, NULL);
      g_autofree char *chosen = g_settings_get_string (settings, "spell-language");

      if (chosen[0] != '\0' && enchant_broker_dict_exists (broker, chosen))
        return g_steal_pointer (&chosen);
    }

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *tag = g_strdup (names[i]);
      char *dot = strchr (tag, '.');

      if (dot != NULL)
        *dot = '\0';
      if (strchr (tag, '@') != NULL || g_str_equal (tag, "C") || g_str_equal (tag, "POSIX"))
        continue;
      if (enchant_broker_dict_exists (broker, tag))
        return g_steal_pointer (&tag);
    }
  for (guint i = 0; i < 2; i++)
    {
      const char *fallback = i == 0 ? "en_US" : "en";

      if (enchant_broker_dict_exists (broker, fallback))
        return g_strdup (fallback);
    }
  return NULL;
}

static gboolean
word_has_digit (const char *word)
{
  for (const char *p = word; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_isdigit (g_utf8_get_char (p)))
      return TRUE;
  return FALSE;
}

static gboolean
word_is_misspelled (CfdSpellChecker *self, const char *word)
{
  /* Numbers, doses and times ("45mg", "10:40") are not words. */
  if (word[0] == '\0' || word_has_digit (word))
    return FALSE;
  return enchant_dict_check (self->dict, word, -1) > 0;
}

static void
check_range (CfdSpellChecker *self, GtkTextIter *start, GtkTextIter *end)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->view);
  GtkTextIter word_start = *start, word_end;

  gtk_text_buffer_remove_tag (buffer, self->tag, start, end);
  if (!gtk_text_iter_starts_word (&word_start))
    gtk_text_iter_forward_word_end (&word_start), gtk_text_iter_backward_word_start (&word_start);
  while (gtk_text_iter_compare (&word_start, end) < 0)
    {
      g_autofree char *word = NULL;

      word_end = word_start;
      if (!gtk_text_iter_forward_word_end (&word_end))
        break;
      word = gtk_text_iter_get_slice (&word_start, &word_end);
      if (word_is_misspelled (self, word))
        gtk_text_buffer_apply_tag (buffer, self->tag, &word_start, &word_end);
      word_start = word_end;
      if (!gtk_text_iter_forward_word_end (&word_start))
        break;
      gtk_text_iter_backward_word_start (&word_start);
    }
}

static void
check_all (CfdSpellChecker *self)
{
  GtkTextIter start, end;

  if (self->view == NULL)
    return;
  gtk_text_buffer_get_bounds (gtk_text_view_get_buffer (self->view), &start, &end);
  check_range (self, &start, &end);
}

static gboolean
recheck_due (gpointer user_data)
{
  CfdSpellChecker *self = user_data;

  self->recheck_source = 0;
  check_all (self);
  return G_SOURCE_REMOVE;
}

/* A note is a few kilobytes: checking all of it a moment after typing
 * stops is simpler than tracking edits, and fast enough. */
static void
buffer_changed (CfdSpellChecker *self)
{
  if (self->recheck_source == 0)
    self->recheck_source = g_timeout_add (300, recheck_due, self);
}

static gboolean
word_bounds_at (CfdSpellChecker *self, int offset, GtkTextIter *start, GtkTextIter *end)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->view);

  gtk_text_buffer_get_iter_at_offset (buffer, start, offset);
  if (!gtk_text_iter_has_tag (start, self->tag))
    return FALSE;
  *end = *start;
  if (!gtk_text_iter_starts_tag (start, self->tag))
    gtk_text_iter_backward_to_tag_toggle (start, self->tag);
  if (!gtk_text_iter_ends_tag (end, self->tag))
    gtk_text_iter_forward_to_tag_toggle (end, self->tag);
  return TRUE;
}

gboolean
cfd_spell_checker_is_misspelled_at (CfdSpellChecker *self, int offset)
{
  GtkTextIter start, end;

  g_return_val_if_fail (CFD_IS_SPELL_CHECKER (self), FALSE);
  if (self->recheck_source != 0)
    {
      g_clear_handle_id (&self->recheck_source, g_source_remove);
      check_all (self);
    }
  return self->view != NULL && word_bounds_at (self, offset, &start, &end);
}

GStrv
cfd_spell_checker_suggest_at (CfdSpellChecker *self, int offset)
{
  GtkTextIter start, end;
  g_autofree char *word = NULL;
  GStrvBuilder *builder;
  char **suggestions;
  size_t n = 0;

  g_return_val_if_fail (CFD_IS_SPELL_CHECKER (self), NULL);
  if (!cfd_spell_checker_is_misspelled_at (self, offset))
    return NULL;
  word_bounds_at (self, offset, &start, &end);
  word = gtk_text_iter_get_slice (&start, &end);
  suggestions = enchant_dict_suggest (self->dict, word, -1, &n);
  builder = g_strv_builder_new ();
  for (size_t i = 0; i < n && i < MAX_SUGGESTIONS; i++)
    g_strv_builder_add (builder, suggestions[i]);
  if (suggestions != NULL)
    enchant_dict_free_string_list (self->dict, suggestions);
  return g_strv_builder_end (builder);
}

/* The context menu's first section: suggestions for the word under the
 * pointer, and "Add to Dictionary". Empty over a word spelled right. */
void
cfd_spell_checker_set_menu_position (CfdSpellChecker *self, int offset)
{
  g_auto (GStrv) suggestions = NULL;
  GtkTextIter start, end;

  g_return_if_fail (CFD_IS_SPELL_CHECKER (self));

  g_menu_remove_all (self->menu);
  suggestions = cfd_spell_checker_suggest_at (self, offset);
  if (suggestions == NULL || !word_bounds_at (self, offset, &start, &end))
    return;
  self->menu_start = gtk_text_iter_get_offset (&start);
  self->menu_end = gtk_text_iter_get_offset (&end);
  for (guint i = 0; suggestions[i] != NULL; i++)
    {
      g_autoptr (GMenuItem) item = g_menu_item_new (suggestions[i], NULL);

      g_menu_item_set_action_and_target_value (item, "spell.replace",
                                               g_variant_new_string (suggestions[i]));
      g_menu_append_item (self->menu, item);
    }
  if (suggestions[0] == NULL)
    g_menu_append (self->menu, _ ("No Suggestions"), "spell.none");
  g_menu_append (self->menu, _ ("_Add to Dictionary"), "spell.add");
}

static void
pressed (GtkGestureClick *gesture, int n_press, double x, double y, CfdSpellChecker *self)
{
  GtkTextIter iter;
  int bx, by;

  if (self->view == NULL)
    return;
  gtk_text_view_window_to_buffer_coords (self->view, GTK_TEXT_WINDOW_WIDGET, (int)x, (int)y, &bx,
                                         &by);
  gtk_text_view_get_iter_at_location (self->view, &iter, bx, by);
  cfd_spell_checker_set_menu_position (self, gtk_text_iter_get_offset (&iter));
}

static void
replace_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  CfdSpellChecker *self = user_data;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  if (self->view == NULL)
    return;
  buffer = gtk_text_view_get_buffer (self->view);
  gtk_text_buffer_get_iter_at_offset (buffer, &start, self->menu_start);
  gtk_text_buffer_get_iter_at_offset (buffer, &end, self->menu_end);
  /* One user action: a single undo restores the word as typed. */
  gtk_text_buffer_begin_user_action (buffer);
  gtk_text_buffer_delete (buffer, &start, &end);
  gtk_text_buffer_insert (buffer, &start, g_variant_get_string (parameter, NULL), -1);
  gtk_text_buffer_end_user_action (buffer);
  g_menu_remove_all (self->menu);
}

static void
add_action (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  CfdSpellChecker *self = user_data;
  GtkTextIter start, end;
  g_autofree char *word = NULL;

  if (self->view == NULL)
    return;
  gtk_text_buffer_get_iter_at_offset (gtk_text_view_get_buffer (self->view), &start,
                                      self->menu_start);
  gtk_text_buffer_get_iter_at_offset (gtk_text_view_get_buffer (self->view), &end, self->menu_end);
  word = gtk_text_iter_get_slice (&start, &end);
  enchant_dict_add_to_session (self->dict, word, -1);
  g_menu_remove_all (self->menu);
  check_all (self);
}

const char *
cfd_spell_checker_get_language (CfdSpellChecker *self)
{
  g_return_val_if_fail (CFD_IS_SPELL_CHECKER (self), NULL);
  return self->language;
}

static void
cfd_spell_checker_dispose (GObject *object)
{
  CfdSpellChecker *self = CFD_SPELL_CHECKER (object);

  g_clear_handle_id (&self->recheck_source, g_source_remove);
  g_clear_weak_pointer (&self->view);
  G_OBJECT_CLASS (cfd_spell_checker_parent_class)->dispose (object);
}

static void
cfd_spell_checker_finalize (GObject *object)
{
  CfdSpellChecker *self = CFD_SPELL_CHECKER (object);

  if (self->dict != NULL)
    enchant_broker_free_dict (get_broker (), self->dict);
  g_clear_object (&self->menu);
  g_clear_object (&self->actions);
  g_free (self->language);
  G_OBJECT_CLASS (cfd_spell_checker_parent_class)->finalize (object);
}

static void
cfd_spell_checker_class_init (CfdSpellCheckerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cfd_spell_checker_dispose;
  object_class->finalize = cfd_spell_checker_finalize;
}

static void
cfd_spell_checker_init (CfdSpellChecker *self)
{
  static const GActionEntry entries[] = {
    { "replace", replace_action, "s" },
    { "add", add_action },
  };

  self->menu = g_menu_new ();
  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), entries, G_N_ELEMENTS (entries),
                                   self);
}

CfdSpellChecker *
cfd_spell_checker_attach (GtkTextView *view)
{
  CfdSpellChecker *self;
  g_autofree char *language = pick_language ();
  GtkGesture *click;
  GtkTextBuffer *buffer;
  g_autoptr (GMenu) extra = NULL;

  g_return_val_if_fail (GTK_IS_TEXT_VIEW (view), NULL);

  if (language == NULL)
    return NULL;
  self = g_object_new (CFD_TYPE_SPELL_CHECKER, NULL);
  self->dict = enchant_broker_request_dict (get_broker (), language);
  if (self->dict == NULL)
    {
      g_object_unref (self);
      return NULL;
    }
  self->language = g_steal_pointer (&language);
  g_set_weak_pointer (&self->view, view);
  buffer = gtk_text_view_get_buffer (view);
  self->tag = gtk_text_buffer_create_tag (buffer, NULL, "underline", PANGO_UNDERLINE_ERROR, NULL);
  g_signal_connect_object (buffer, "changed", G_CALLBACK (buffer_changed), self, G_CONNECT_SWAPPED);

  /* The right-click (or long press) that opens the menu first says where. */
  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect_object (click, "pressed", G_CALLBACK (pressed), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (view), GTK_EVENT_CONTROLLER (click));
  extra = g_menu_new ();
  g_menu_append_section (extra, NULL, G_MENU_MODEL (self->menu));
  gtk_text_view_set_extra_menu (view, G_MENU_MODEL (extra));
  gtk_widget_insert_action_group (GTK_WIDGET (view), "spell", G_ACTION_GROUP (self->actions));

  /* The view owns its checker. */
  g_object_set_data_full (G_OBJECT (view), "cfd-spell-checker", self, g_object_unref);
  check_all (self);
  return self;
}

void
cfd_spell_checker_attach_all (GtkWidget *root)
{
  if (GTK_IS_TEXT_VIEW (root) && gtk_text_view_get_editable (GTK_TEXT_VIEW (root))
      && g_object_get_data (G_OBJECT (root), "cfd-spell-checker") == NULL)
    cfd_spell_checker_attach (GTK_TEXT_VIEW (root));
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    cfd_spell_checker_attach_all (child);
}
