/* cfd-demo-text.c: deterministic, clearly fictional names and clinical prose for demos and benchmarks. */
#include "config.h"

#include "cfd-demo-text.h"

/* Invented names: none is meant to be, or to resemble, a real person. */
static const char *const given[] = {
  "Avel",    "Brisa",   "Corvin", "Dalia", "Emrys", "Fenna",  "Galen",  "Hesper", "Ilario",
  "Juno",    "Kestrel", "Liora",  "Marlo", "Nerys", "Oren",   "Perrin", "Quilla", "Rowan",
  "Saoirse", "Tamsin",  "Ulric",  "Veda",  "Wren",  "Xanthe", "Yarrow", "Zephyr",
};
static const char *const family_start[] = {
  "Thorn", "Ash",  "Brack", "Cold", "Drum",  "Elder", "Fallow", "Glen",  "Hollow",
  "Ivy",   "Kess", "Larch", "Mire", "North", "Oak",   "Quill",  "Raven", "Sedge",
};
static const char *const family_end[] = {
  "quist", "wick", "mere", "ford", "holt", "wyn", "by", "croft", "field", "marsh", "ley", "stone",
};

static const char *const openings[] = {
  "In today's integration session the patient returned to",
  "We spent most of the hour on",
  "The patient described, with some hesitation,",
  "Discussion centred on",
  "Reviewing the intentions set before the last dosing session, we looked at",
  "The patient brought a journal entry about",
  "Much of the session concerned",
};
static const char *const subjects[] = {
  "a recurring image of a wide, quiet lake",
  "the sense of watching old memories from a distance",
  "a felt shift in how they relate to their father",
  "grief that had been held off for several years",
  "the body feeling heavy and then unusually light",
  "music that seemed to carry them through a difficult passage",
  "a childhood kitchen, remembered in sharp detail",
  "a wish to repair a friendship that ended badly",
  "the fear that the relief would not last",
  "colours that seemed to answer their thoughts",
  "self-criticism softening into something like kindness",
  "sleep, which has been steadier this week",
};
static const char *const reflections[] = {
  "They linked this to the intention of being less harsh with themselves.",
  "We explored what the image might ask of them in daily life.",
  "Affect was congruent; they became tearful and then settled.",
  "They were able to stay with the discomfort without withdrawing.",
  "We agreed this would be a theme to return to next week.",
  "They noticed that the insight faded when they tried to explain it to others.",
  "No new safety concerns were raised; mood is described as brighter.",
  "The practice of a short morning walk without the phone was renewed.",
  "They wrote three sentences about it in the session and kept the page.",
  "We named the tension between wanting change and fearing it.",
};

char *
cfd_demo_text_name (GRand *rand)
{
  return g_strdup_printf ("%s %s%s", given[g_rand_int_range (rand, 0, G_N_ELEMENTS (given))],
                          family_start[g_rand_int_range (rand, 0, G_N_ELEMENTS (family_start))],
                          family_end[g_rand_int_range (rand, 0, G_N_ELEMENTS (family_end))]);
}

char *
cfd_demo_text_birth_date (GRand *rand)
{
  return g_strdup_printf ("%04d-%02d-%02d", g_rand_int_range (rand, 1950, 2004),
                          g_rand_int_range (rand, 1, 13), g_rand_int_range (rand, 1, 29));
}

char *
cfd_demo_text_phrase (GRand *rand)
{
  return g_strdup (subjects[g_rand_int_range (rand, 0, G_N_ELEMENTS (subjects))]);
}

char *
cfd_demo_text_paragraphs (GRand *rand, gsize min_bytes, gsize max_bytes)
{
  GString *text = g_string_new (NULL);
  gsize target = min_bytes
                 + (max_bytes > min_bytes
                        ? (gsize)g_rand_int_range (rand, 0, (gint32)(max_bytes - min_bytes))
                        : 0);

  while (text->len < target)
    {
      if (text->len > 0)
        g_string_append (text, text->len % 3 == 0 ? "\n\n" : " ");
      g_string_append_printf (text, "%s %s. %s",
                              openings[g_rand_int_range (rand, 0, G_N_ELEMENTS (openings))],
                              subjects[g_rand_int_range (rand, 0, G_N_ELEMENTS (subjects))],
                              reflections[g_rand_int_range (rand, 0, G_N_ELEMENTS (reflections))]);
    }
  return g_string_free (text, FALSE);
}
