#!/usr/bin/env python3
"""Writes the translatable text of Confidant's record templates as a POT file.

The templates (data/templates/*.template) are GLib key files, which xgettext
cannot read. Their titles, descriptions, field labels, help and choice labels
are shown to the user, so this pulls them out with their file and line, one
message per choice label (the app translates each label on its own, after
splitting the list). core/clinical/cfd-template.c translates them at runtime.
"""
import sys

TRANSLATED_KEYS = {
    "Title": "Title of a kind of record",
    "Description": "Description of a kind of record",
    "Label": "Label of a field in a record",
    "Help": "Help under a field in a record",
    "ChoiceLabels": "One choice of a field in a record",
}


def split_list(value):
    """Splits a key-file list on ';', keeping '\\;' as a literal semicolon."""
    items, current, escaped = [], "", False
    for char in value:
        if escaped:
            current += char if char == ";" else "\\" + char
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == ";":
            items.append(current)
            current = ""
        else:
            current += char
    if current:
        items.append(current)
    return items


def unescape(value):
    """Key-file escapes (\\n, \\t, \\\\, \\s) into their characters."""
    out, i = "", 0
    while i < len(value):
        if value[i] == "\\" and i + 1 < len(value):
            out += {"n": "\n", "t": "\t", "s": " ", "\\": "\\", "r": "\r"}.get(
                value[i + 1], "\\" + value[i + 1])
            i += 2
        else:
            out += value[i]
            i += 1
    return out


def po_quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace(
        "\t", "\\t") + '"'


def main():
    messages = {}  # msgid -> ([references], comment)
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as template:
            group = ""
            for number, line in enumerate(template, start=1):
                line = line.rstrip("\n")
                if line.startswith("["):
                    group = line.strip("[]")
                    continue
                if line.startswith("#") or "=" not in line:
                    continue
                key, value = line.split("=", 1)
                key = key.strip()
                if key not in TRANSLATED_KEYS:
                    continue
                values = split_list(value) if key == "ChoiceLabels" else [value]
                for text in values:
                    text = unescape(text.strip())
                    if not text:
                        continue
                    refs, comment = messages.setdefault(
                        text, ([], f"{TRANSLATED_KEYS[key]} ({group})"))
                    refs.append(f"{path}:{number}")
    print('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n')
    for text, (refs, comment) in messages.items():
        print(f"#. {comment}")
        print("#: " + " ".join(refs))
        print("msgid " + po_quote(text))
        print('msgstr ""\n')


if __name__ == "__main__":
    main()
