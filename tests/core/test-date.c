/* test-date.c: calendar dates as Confidant reads and writes them. */
#include "config.h"

#include "cfd-date.h"
#include "cfd-test-util.h"

static void
test_valid (void)
{
  const char *good[] = { "2024-02-29", "1970-01-01", "0001-01-01", "2026-12-31" };
  const char *bad[] = { "2023-02-29",  "2026-13-01", "2026-00-10", "2026-1-01",   "2026-01-1",
                        "20260101",    "2026/01/01", "+026-01-01", "2026-01-01x", "",
                        " 2026-01-01", "2026-01-32", "0000-01-01" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    g_assert_true (cfd_date_is_valid (good[i]));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_false (cfd_date_is_valid (bad[i]));
  g_assert_false (cfd_date_is_valid (NULL));
}

static void
test_parse_format (void)
{
  gint64 seconds = -1;
  g_autofree char *text = NULL;

  g_assert_true (cfd_date_parse ("1970-01-02", &seconds));
  g_assert_cmpint (seconds, ==, 86400);
  g_assert_true (cfd_date_parse ("2024-02-29", &seconds));
  text = cfd_date_format (seconds + 86399);
  g_assert_cmpstr (text, ==, "2024-02-29");
  /* Before the epoch there is nothing to record. */
  g_assert_false (cfd_date_parse ("1969-12-31", &seconds));
  g_assert_false (cfd_date_parse ("2023-02-29", &seconds));
}

int
main (int argc, char *argv[])
{
  cfd_test_init (&argc, &argv);
  g_test_add_func ("/confidant/date/valid", test_valid);
  g_test_add_func ("/confidant/date/parse-format", test_parse_format);
  return g_test_run ();
}
