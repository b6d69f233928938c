/* cfd-instrument-library.c: the instruments Confidant ships (data/measures) and those a practice adds. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "cfd-error.h"
#include "cfd-instrument-private.h"
#include "cfd-measures-resources.h"

#define RESOURCE_PREFIX "/org/confidant/Confidant/measures/"

/* The shipped definitions, in the order lists show them. */
static const char *const shipped[] = { "phq9", "gad7", "pcl5", "qids-sr16", "meq30", "ebi" };

static GMutex library_lock;
static GPtrArray *library; /* CfdInstrumentDef, shipped first; never freed */
/* Files added already: unlocking again reads the same folders, which is
 * not a second definition with the same id. */
static GHashTable *added_paths;

/* The shipped files are part of the build, so one that does not read is a
 * defect: it aborts loudly rather than scoring against half a definition. */
static void
load_shipped (void)
{
  library = g_ptr_array_new ();
  for (guint i = 0; i < G_N_ELEMENTS (shipped); i++)
    {
      g_autofree char *path = g_strconcat (RESOURCE_PREFIX, shipped[i], ".measure", NULL);
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (GError) error = NULL;
      CfdInstrumentDef *def;
      gsize size;
      const char *data;

      bytes = g_resource_lookup_data (cfd_measures_get_resource (), path,
                                      G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
      if (bytes == NULL)
        g_error ("Measure definition %s is missing: %s", path, error->message);
      data = g_bytes_get_data (bytes, &size);
      def = cfd_instrument_def_parse (data, size, &error);
      if (def == NULL)
        g_error ("Measure definition %s does not read: %s", path, error->message);
      if (strcmp (def->id, shipped[i]) != 0)
        g_error ("Measure definition %s has the id %s", path, def->id);
      g_ptr_array_add (library, def);
    }
}

static GPtrArray *
get_library (void)
{
  static gsize loaded;

  if (g_once_init_enter (&loaded))
    {
      load_shipped ();
      g_once_init_leave (&loaded, 1);
    }
  return library;
}

static const CfdInstrumentDef *
find_locked (GPtrArray *defs, const char *id)
{
  for (guint i = 0; i < defs->len; i++)
    {
      const CfdInstrumentDef *def = g_ptr_array_index (defs, i);

      if (strcmp (def->id, id) == 0)
        return def;
    }
  return NULL;
}

const CfdInstrumentDef *
cfd_instrument_lookup (const char *id)
{
  GPtrArray *defs = get_library ();
  const CfdInstrumentDef *def;

  if (id == NULL)
    return NULL;
  g_mutex_lock (&library_lock);
  def = find_locked (defs, id);
  g_mutex_unlock (&library_lock);
  return def;
}

GPtrArray *
cfd_instrument_list (void)
{
  GPtrArray *defs = get_library ();
  GPtrArray *copy;

  g_mutex_lock (&library_lock);
  copy = g_ptr_array_copy (defs, NULL, NULL);
  g_mutex_unlock (&library_lock);
  return copy;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *)a, *(const char *const *)b);
}

gboolean
cfd_instrument_library_add_folder (const char *folder, GError **error)
{
  GPtrArray *defs = get_library ();
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) problems = g_string_new (NULL);
  g_autoptr (GError) local = NULL;
  const char *name;

  g_return_val_if_fail (folder != NULL, FALSE);
  dir = g_dir_open (folder, 0, &local);
  if (dir == NULL)
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_set_error (error, CFD_ERROR, CFD_ERROR_IO, _ ("The measures folder cannot be read: %s"),
                   local->message);
      return FALSE;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".measure"))
      g_ptr_array_add (names, g_strdup (name));
  /* The same folder gives the same result whatever order the disk lists it in. */
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      const char *file = g_ptr_array_index (names, i);
      g_autofree char *path = g_build_filename (folder, file, NULL);
      g_autofree char *data = NULL;
      g_autoptr (GError) file_error = NULL;
      g_autoptr (CfdInstrumentDef) def = NULL;
      gsize size = 0;

      gboolean seen;

      g_mutex_lock (&library_lock);
      if (added_paths == NULL)
        added_paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      seen = g_hash_table_contains (added_paths, path);
      g_mutex_unlock (&library_lock);
      if (seen || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
        continue;
      if (!g_file_get_contents (path, &data, &size, &file_error))
        {
          g_string_append_printf (problems, "\n%s: %s", file, file_error->message);
          continue;
        }
      def = cfd_instrument_def_parse (data, size, &file_error);
      if (def == NULL)
        {
          g_string_append_printf (problems, "\n%s: %s", file, file_error->message);
          continue;
        }
      g_mutex_lock (&library_lock);
      if (find_locked (defs, def->id) != NULL)
        g_string_append_printf (problems, _ ("\n%s: an instrument with the id %s is already known"),
                                file, def->id);
      else
        {
          g_ptr_array_add (defs, g_steal_pointer (&def));
          g_hash_table_add (added_paths, g_strdup (path));
        }
      g_mutex_unlock (&library_lock);
    }
  if (problems->len > 0)
    {
      g_set_error (error, CFD_ERROR, CFD_ERROR_INVALID_INPUT,
                   _ ("Some measure definitions in %s were left out:%s"), folder, problems->str);
      return FALSE;
    }
  return TRUE;
}

gboolean
cfd_instrument_library_add_practice (const char *vault_folder, GError **error)
{
  g_autofree char *in_vault = g_build_filename (vault_folder, "measures", NULL);
  g_autofree char *in_config
      = g_build_filename (g_get_user_config_dir (), "confidant", "measures", NULL);
  g_autoptr (GError) first = NULL;
  gboolean ok;

  ok = cfd_instrument_library_add_folder (in_vault, &first);
  if (!cfd_instrument_library_add_folder (in_config, ok ? error : NULL))
    ok = FALSE;
  if (first != NULL)
    g_propagate_error (error, g_steal_pointer (&first));
  return ok;
}
