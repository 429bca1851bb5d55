#!/usr/bin/env python3
"""Every link between the README, ARCHITECTURE.md and docs/*.md resolves: the file exists and,
when the link names an anchor, the file has a heading of that anchor (GitHub's rule: lower
case, punctuation dropped, spaces as hyphens). Also holds the README to one page (300 lines).

  doc_links.py ROOT              exit 1 naming each broken link (file:line) or a README too long
  doc_links.py --self-test ROOT  prove the check can fail: copies of the pages, one with a link
                                 to a missing heading, one to a missing file, one README too long
"""
import os
import re
import shutil
import sys
import tempfile

LINK = re.compile(r"\]\(([^)\s]+)\)")
README_MAX_LINES = 300


def slug(heading):
    text = heading.lstrip("#").strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path):
    with open(path, encoding="utf-8") as f:
        return {slug(line) for line in f if line.startswith("#")}


def check(root):
    pages = [os.path.join(root, "README.md"), os.path.join(root, "ARCHITECTURE.md")]
    docs = os.path.join(root, "docs")
    pages += sorted(os.path.join(docs, p) for p in os.listdir(docs) if p.endswith(".md"))
    problems = []
    for page in pages:
        with open(page, encoding="utf-8") as f:
            lines = f.read().split("\n")
        for n, line in enumerate(lines, 1):
            for target in LINK.findall(line):
                if re.match(r"^[a-z]+:", target):
                    continue  # http:, https:, mailto:
                file_part, _, anchor = target.partition("#")
                linked = os.path.normpath(os.path.join(os.path.dirname(page), file_part)) \
                    if file_part else page
                where = f"{os.path.relpath(page, root)}:{n}: ({target})"
                if not os.path.exists(linked):
                    problems.append(f"{where}: no such file")
                elif anchor and linked.endswith(".md") and anchor not in anchors(linked):
                    problems.append(f"{where}: no heading #{anchor} in {os.path.relpath(linked, root)}")
    with open(pages[0], encoding="utf-8") as f:
        count = sum(1 for _ in f)
    if count > README_MAX_LINES:
        problems.append(f"README.md: {count} lines, more than {README_MAX_LINES}: move detail to docs/")
    return problems


def self_test(root):
    if check(root):
        print("self-test: the pages themselves have broken links; run the check first")
        return 1
    breakages = [
        ("docs/keys.md", "\nSee [nothing](commands.md#no-such-heading).\n", "no heading"),
        ("ARCHITECTURE.md", "\nSee [nothing](docs/missing.md).\n", "no such file"),
        ("README.md", "\n" * (README_MAX_LINES + 1), "more than"),
    ]
    failures = 0
    for page, text, expected in breakages:
        with tempfile.TemporaryDirectory() as tmp:
            for name in ("README.md", "ARCHITECTURE.md", "docs"):
                src = os.path.join(root, name)
                (shutil.copytree if os.path.isdir(src) else shutil.copy)(src, os.path.join(tmp, name))
            with open(os.path.join(tmp, page), "a", encoding="utf-8") as f:
                f.write(text)
            if not any(expected in p for p in check(tmp)):
                print(f"self-test: a break in {page} ({expected}) was not caught")
                failures += 1
    print(f"self-test: {len(breakages) - failures} of {len(breakages)} breaks caught")
    return 1 if failures else 0


if __name__ == "__main__":
    if sys.argv[1] == "--self-test":
        sys.exit(self_test(sys.argv[2]))
    found = check(sys.argv[1])
    for p in found:
        print(p)
    print(f"doc links: {len(found)} problem(s)")
    sys.exit(1 if found else 0)
