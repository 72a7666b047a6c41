"""Every message the server's pages mark is translated in the four languages of its catalogue."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from central_server.web.languages import LANGUAGES
from central_server.web.page import SHELL_DOMAIN

WEB = Path(__file__).parents[2] / "central_server" / "web"
KEYWORDS: dict[str, Any] = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
PLURAL_FORMS = {"ar": 6, "fr": 2, "zgh": 2, "en": 2}
ARABIC = re.compile(r"[\u0600-\u06ff]")
TIFINAGH = re.compile(r"[\u2d30-\u2d7f]")
ASCII_LETTERS = re.compile(r"[A-Za-z]{3,}")
SCRIPTS = {"ar": ARABIC, "zgh": TIFINAGH}
DOMAINS = sorted({po.stem for po in WEB.glob("locale/*/LC_MESSAGES/*.po")})

Message = str | tuple[str, ...]


@dataclass(frozen=True)
class Marked:
    """A message a file marks, and the catalogues a page built from that file reads."""

    where: str
    message: Message
    domains: frozenset[str]


def _catalogue(lang: str, domain: str) -> dict[Message, tuple[str, ...]]:
    path = WEB / "locale" / lang / "LC_MESSAGES" / f"{domain}.po"
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        catalog = read_po(handle)
    assert catalog.num_plurals == PLURAL_FORMS[lang], f"{path}: wrong Plural-Forms header"
    held: dict[Message, tuple[str, ...]] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        forms = message.string if isinstance(message.string, tuple | list) else [message.string]
        key = tuple(message.id) if isinstance(message.id, list) else message.id
        held[key] = tuple(form or "" for form in forms)
    return held


def _render_domains() -> tuple[dict[Path, set[str]], dict[str, set[str]]]:
    """Which catalogue each module renders with, and each template it names is rendered with.

    Read from the `render_page(request, "x.html", …, domain=…)` calls (a literal domain or a
    module-level constant), so a new page family is covered without touching this test.
    """
    modules: dict[Path, set[str]] = {}
    templates: dict[str, set[str]] = {}
    for path in sorted(WEB.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {
            target.id: node.value.value
            for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            for target in node.targets
            if isinstance(target, ast.Name) and isinstance(node.value.value, str)
        }
        domains: set[str] = set()
        for call in ast.walk(tree):
            if not (isinstance(call, ast.Call) and getattr(call.func, "id", "") == "render_page"):
                continue
            domain_node = next((k.value for k in call.keywords if k.arg == "domain"), None)
            if isinstance(domain_node, ast.Constant) and isinstance(domain_node.value, str):
                domain = domain_node.value
            elif isinstance(domain_node, ast.Name) and domain_node.id in constants:
                domain = constants[domain_node.id]
            else:
                continue
            domains.add(domain)
            if len(call.args) > 1 and isinstance(call.args[1], ast.Constant):
                templates.setdefault(str(call.args[1].value), set()).add(domain)
        modules[path] = domains
    return modules, templates


def _marked() -> Iterator[Marked]:
    modules, templates = _render_domains()
    everywhere = frozenset(DOMAINS)
    sources: list[tuple[Path, str, frozenset[str]]] = [
        # A module that renders no page (the shell itself) speaks through the shell's catalogue;
        # a template no module names literally may be any family's: any catalogue will do.
        (path, "python", frozenset(domains or {SHELL_DOMAIN}))
        for path, domains in modules.items()
    ]
    sources += [
        (path, "jinja2.ext:babel_extract", frozenset(templates.get(path.name, everywhere)))
        for path in sorted((WEB / "templates").glob("*.html"))
    ]
    for path, method, domains in sources:
        for line, message, _comments, _context in extract_from_file(
            method, str(path), keywords=KEYWORDS
        ):
            if isinstance(message, tuple) and len([m for m in message if m]) == 1:
                message = next(m for m in message if m)  # ngettext's counter is no message
            if message and (isinstance(message, str) or all(message)):
                yield Marked(f"{path.relative_to(WEB)}:{line}", message, domains)


MARKED = list(_marked())


def test_the_pages_mark_messages_in_every_catalogue_domain() -> None:
    assert {"pages", "requests"} <= set(DOMAINS)
    assert len(MARKED) >= 40
    for domain in DOMAINS:
        for lang in LANGUAGES:
            assert (WEB / "locale" / lang / "LC_MESSAGES" / f"{domain}.po").exists(), (
                f"{domain} has no {lang} catalogue"
            )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_marked_message_is_translated_in_its_pages_catalogue(lang: str) -> None:
    catalogues = {domain: _catalogue(lang, domain) for domain in DOMAINS}
    missing = []
    for marked in MARKED:
        if isinstance(marked.message, tuple):
            # ngettext reads the page family's own catalogue only (PageTexts.ngettext).
            readable = marked.domains
            wanted = PLURAL_FORMS[lang]
        else:
            # gettext falls back from the family's catalogue to the shell's.
            readable = marked.domains | {SHELL_DOMAIN}
            wanted = 1
        found = [
            catalogues[domain].get(marked.message, ())
            for domain in readable
            if domain in catalogues
        ]
        if not any(len(forms) == wanted and all(forms) for forms in found):
            missing.append(f"{marked.where} {marked.message!r} (in {sorted(readable)})")
    assert missing == [], f"{lang}: {len(missing)} untranslated: {missing[:5]}"


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("lang", ["ar", "zgh"])
def test_translations_are_in_the_right_script(domain: str, lang: str) -> None:
    script = SCRIPTS[lang]
    wrong = [
        message
        for message, forms in _catalogue(lang, domain).items()
        if ASCII_LETTERS.search(message if isinstance(message, str) else message[0])
        and not all(script.search(form) for form in forms)
    ]
    assert wrong == [], f"{domain}/{lang}: not in its script: {wrong[:5]}"


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_catalogue_of_a_domain_holds_the_same_messages(domain: str) -> None:
    held = {lang: set(_catalogue(lang, domain)) for lang in LANGUAGES}
    assert all(messages == held["en"] for messages in held.values()), {
        lang: sorted(map(str, held["en"] ^ messages))[:5] for lang, messages in held.items()
    }
