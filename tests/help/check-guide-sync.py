#!/usr/bin/env python3
# check-guide-sync.py: the in-app guide (ui/cfd-help-window.ui, translated
# with the interface) says exactly what the Mallard guide (help/C/*.page,
# shown by the help viewer) says: the same topics in the same order, each
# with the same paragraphs. Either one changed alone fails here, so the two
# cannot drift.
import re
import sys
import xml.etree.ElementTree as ET

MAL = '{http://projectmallard.org/1.0/}'


def words(text):
    return re.sub(r'\s+', ' ', text or '').strip()


def mallard_guide(folder):
    def read(page_id):
        root = ET.parse(f'{folder}/{page_id}.page').getroot()
        title = words(''.join(root.find(MAL + 'title').itertext()))
        paragraphs = [words(''.join(p.itertext())) for p in root.findall(MAL + 'p')]
        return root, title, paragraphs

    index, title, closing = read('index')
    topics = [link.get('xref') for link in index.find(MAL + 'info').findall(MAL + 'link')
              if link.get('type') == 'topic']
    sections = [read(topic)[1:] for topic in topics]
    return title, sections, closing


def builder_guide(path):
    root = ET.parse(path).getroot()
    window_title = None
    for prop in root.find('template').findall('property'):
        if prop.get('name') == 'title':
            window_title = words(prop.text)
    title, sections, closing = None, [], []
    for label in root.iter('object'):
        if label.get('class') != 'GtkLabel':
            continue
        text = [p for p in label.findall('property') if p.get('name') == 'label']
        if not text:
            continue
        text = words(text[0].text)
        classes = {c.get('name') for c in label.iter('class')}
        if 'title-1' in classes:
            title = text
        elif 'title-3' in classes:
            sections.append((text, []))
        elif 'dim-label' in classes:
            closing.append(text)
        else:
            sections[-1][1].append(text)
    assert window_title == title, f'window title {window_title!r} is not the guide title {title!r}'
    return title, sections, closing


def main():
    help_dir, ui_file = sys.argv[1], sys.argv[2]
    mallard = mallard_guide(help_dir)
    builder = builder_guide(ui_file)
    failures = 0
    if mallard[0] != builder[0]:
        print(f'title: Mallard {mallard[0]!r}, in-app {builder[0]!r}')
        failures += 1
    if mallard[2] != builder[2]:
        print(f'closing lines: Mallard {mallard[2]!r}, in-app {builder[2]!r}')
        failures += 1
    if [s[0] for s in mallard[1]] != [s[0] for s in builder[1]]:
        print(f'topics: Mallard {[s[0] for s in mallard[1]]}, in-app {[s[0] for s in builder[1]]}')
        failures += 1
    for (m_title, m_paras), (b_title, b_paras) in zip(mallard[1], builder[1]):
        for i in range(max(len(m_paras), len(b_paras))):
            m = m_paras[i] if i < len(m_paras) else None
            b = b_paras[i] if i < len(b_paras) else None
            if m != b:
                print(f'{m_title}, paragraph {i + 1}:\n  Mallard: {m!r}\n  in-app:  {b!r}')
                failures += 1
    print(f'{len(mallard[1])} topics, {sum(len(s[1]) for s in mallard[1])} paragraphs compared; '
          f'{failures} differences')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
