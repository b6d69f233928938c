/* cfd-icd10.c: the ICD-10-CM codes offered when a problem is added, read once from the compiled-in list. */
#include "config.h"

#include <string.h>

#include "cfd-codes-resources.h"
#include "cfd-icd10.h"

#define RESOURCE_PATH "/org/confidant/Confidant/codes/icd10cm-kat.tsv"

static CfdIcd10Code *codes;
static guint n_codes;

/* The list ships with the code, so a malformed line is a build mistake
 * (the template test reads every line), not user input. */
static gpointer
load_codes (gpointer data)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) array = g_array_new (FALSE, FALSE, sizeof (CfdIcd10Code));
  g_auto (GStrv) lines = NULL;
  char *text;

  bytes = g_resource_lookup_data (cfd_codes_get_resource (), RESOURCE_PATH,
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes == NULL)
    g_error ("The ICD-10-CM code list cannot be read: %s", error->message);
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  lines = g_strsplit (text, "\n", -1);
  g_free (text);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *tab = strchr (lines[i], '\t');
      CfdIcd10Code code;

      if (lines[i][0] == '\0' || lines[i][0] == '#')
        continue;
      if (tab == NULL)
        g_error ("The ICD-10-CM code list has a line without a tab");
      /* Interned: the list lives as long as the process. */
      *tab = '\0';
      code.code = g_intern_string (lines[i]);
      code.title = g_intern_string (tab + 1);
      g_array_append_val (array, code);
    }
  n_codes = array->len;
  codes = (CfdIcd10Code *)g_array_free (g_steal_pointer (&array), FALSE);
  return NULL;
}

const CfdIcd10Code *
cfd_icd10_codes (guint *count)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, load_codes, NULL);
  *count = n_codes;
  return codes;
}

const char *
cfd_icd10_title (const char *code)
{
  guint n;
  const CfdIcd10Code *all = cfd_icd10_codes (&n);

  for (guint i = 0; i < n; i++)
    if (g_ascii_strcasecmp (all[i].code, code) == 0)
      return all[i].title;
  return NULL;
}

static gboolean
title_has_words (const char *title, char **words)
{
  g_autofree char *folded = g_utf8_casefold (title, -1);

  for (guint w = 0; words[w] != NULL; w++)
    if (*words[w] != '\0' && strstr (folded, words[w]) == NULL)
      return FALSE;
  return TRUE;
}

GPtrArray *
cfd_icd10_search (const char *query, guint max)
{
  GPtrArray *found = g_ptr_array_new ();
  g_autofree char *folded = NULL;
  g_auto (GStrv) words = NULL;
  g_autofree char *stripped = NULL;
  guint n;
  const CfdIcd10Code *all = cfd_icd10_codes (&n);

  stripped = g_strstrip (g_strdup (query != NULL ? query : ""));
  folded = g_utf8_casefold (stripped, -1);
  words = g_strsplit_set (folded, " \t,", -1);
  for (guint i = 0; i < n && found->len < max; i++)
    if (g_ascii_strncasecmp (all[i].code, stripped, strlen (stripped)) == 0
        || title_has_words (all[i].title, words))
      g_ptr_array_add (found, (gpointer)&all[i]);
  return found;
}
