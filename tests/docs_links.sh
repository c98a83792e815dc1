#!/usr/bin/env bash
# Checks the links of README.md and docs/*.md:
#   - every relative link or image, [text](PATH) or [text](PATH#anchor), names a file or folder that exists
#     (relative to the page), and an anchor names a heading of the page it points at (GitHub's rule: lower
#     case, punctuation dropped, spaces to hyphens);
#   - every file of docs/ is linked from README.md;
#   - every source path quoted in code (`app/...`, `engine/...`, `tests/...`, `data/...`, `assets/...`, `docs/...`,
#     lower case, no placeholders) exists, so a moved file cannot leave a stale command behind;
#   - every environment variable the C code reads (getenv) is documented in docs/architecture.md.
#   tests/docs_links.sh [SOURCE_ROOT]     (default: the checkout this script is in)
# Prints one line per broken link and exits 1 if there is any.
set -euo pipefail
root="${1:-$(dirname "$0")/..}"
cd "$root"
exec python3 - <<'PY'
import os, re, sys

pages = ['README.md'] + sorted('docs/' + f for f in os.listdir('docs') if f.endswith('.md'))
# built or fetched by the build and setup.sh, not in the source tree
generated = {'data/mnist', 'tests/reference/ref_dump', 'tests/handwriting/hw_jumps'}

def strip_code(text):
    """The page without fenced code blocks (their brackets are not links)."""
    return re.sub(r'^```.*?^```', '', text, flags=re.S | re.M)

def slug(heading):
    s = heading.strip().lower()
    s = re.sub(r'[^\w\- ]', '', s)
    return s.replace(' ', '-')

def anchors(path, cache={}):
    if path not in cache:
        text = strip_code(open(path, encoding='utf-8').read())
        seen, out = {}, set()
        for h in re.findall(r'^#{1,6}\s+(.*?)\s*#*\s*$', text, flags=re.M):
            a = slug(h)
            n = seen.get(a, 0)
            seen[a] = n + 1
            out.add(a if n == 0 else f'{a}-{n}')
        cache[path] = out
    return cache[path]

bad = 0
def fail(page, msg):
    global bad
    bad += 1
    print(f'{page}: {msg}')

linked_from_readme = set()
for page in pages:
    raw = open(page, encoding='utf-8').read()
    text = strip_code(raw)
    base = os.path.dirname(page)
    for target in re.findall(r'\]\(([^)\s]+)(?:\s+"[^"]*")?\)', text):
        if re.match(r'^[a-z]+:', target):        # http:, https:, mailto:
            continue
        path, _, anchor = target.partition('#')
        dest = os.path.normpath(os.path.join(base, path)) if path else page
        if not os.path.exists(dest):
            fail(page, f'link to {target}: {dest} does not exist')
            continue
        if page == 'README.md':
            linked_from_readme.add(dest)
        if anchor and dest.endswith('.md') and anchor not in anchors(dest):
            fail(page, f'link to {target}: no heading #{anchor} in {dest}')
    for quoted in re.findall(r'(?<![\w/.$-])((?:app|engine|tests|data|assets|docs)/[\w./*-]*)', raw):
        quoted = quoted.rstrip('.-')
        if re.search(r'[A-Z*]', quoted):          # a placeholder: view_NAME.c, gl_*.c
            continue
        if quoted not in generated and not os.path.exists(quoted):
            fail(page, f'names {quoted}, which does not exist')

# every environment variable the code reads is documented
env_doc = open('docs/architecture.md', encoding='utf-8').read()
for top in ('app', 'engine', 'tests'):
    for d, _, files in os.walk(top):
        for f in files:
            if f.endswith(('.c', '.h')):
                src = open(os.path.join(d, f), encoding='utf-8', errors='replace').read()
                for var in sorted(set(re.findall(r'getenv\("([A-Za-z_0-9]+)"\)', src))):
                    if f'`{var}`' not in env_doc:
                        fail('docs/architecture.md', f'does not document {var} (read in {os.path.join(d, f)})')
for page in pages[1:]:
    if page not in linked_from_readme:
        fail('README.md', f'does not link {page}')
print(f'docs_links: {len(pages)} pages, {bad} broken')
sys.exit(1 if bad else 0)
PY
