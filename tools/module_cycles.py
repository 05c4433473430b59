#!/usr/bin/env python3
"""Top-level and nested module import cycles in src/ (crate:: and super:: paths)."""
import os, re, sys, itertools
root = sys.argv[1] if len(sys.argv) > 1 else 'src'
def modpath(f):
    p = os.path.relpath(f, root)[:-3].split('/')
    if p[-1] in ('mod', 'lib', 'main'): p = p[:-1]
    return p
files = [os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.endswith('.rs')]
known = {tuple(modpath(f)) for f in files}
edges = set()
for f in files:
    me = modpath(f)
    text = open(f).read()
    # drop test modules
    text = re.split(r'#\[cfg\(test\)\]\s*mod tests', text)[0]
    text = re.sub(r'//.*', '', text)
    for m in re.finditer(r'\b(crate|super)((?:::\w+)+)', text):
        parts = m.group(2).split('::')[1:]
        if m.group(1) == 'crate': base = []
        else:
            isdir = os.path.basename(f) == 'mod.rs'
            base = me[:-1] if not isdir else me[:-1]
        target = base + parts
        # longest known module prefix
        for n in range(len(target), 0, -1):
            if tuple(target[:n]) in known:
                t = target[:n]; break
        else: continue
        # compare at the level of siblings: find common prefix
        a, b = me, t
        i = 0
        while i < min(len(a), len(b)) and a[i] == b[i]: i += 1
        if i < len(a) and i < len(b):
            edges.add(('::'.join(a[:i+1]), '::'.join(b[:i+1])))
pairs = sorted({tuple(sorted(e)) for e in edges if (e[1], e[0]) in edges})
for a, b in pairs: print(f'{a} <-> {b}')
print(len(pairs), 'pairs', file=sys.stderr)
