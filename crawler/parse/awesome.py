"""Awesome lists (markdown READMEs or their rendered HTML) to one ``DiscoveredServer`` per listed server.

Parsing is in two steps so both inputs share the judgement of what is a server:
1. ``items_from_markdown`` / ``items_from_html`` turn the document into ``ListItem``s: the heading path above a
   bullet, its first real link (images, badges and icon-only links skipped) and the text after it.
2. ``servers_from_items`` keeps the items that name a server: it drops table-of-contents anchors, badges,
   licence and contributing links, and whole sections a list marks as not servers (clients, frameworks,
   resources, sponsors...), normalises repository URLs, turns ``npm:`` / ``pypi:`` links and package pages into
   packages, and merges a server listed twice in one list.

A README's markdown is not parsed with a full CommonMark engine on purpose: lists are written in a handful of
shapes (``- **[Name](url)** - text``, ``<sup>`` ordinals, emoji headings, reference links, nested bullets) and a
small line-based parser is both faster and more forgiving of the broken HTML these files contain.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import unquote, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

from crawler.sources.base import DiscoveredServer, PackageRef
from crawler.urls import GITHUB_RESERVED_OWNERS, RepoRef, package_from_url, parse_repo_url


@dataclass
class ListItem:
    headings: tuple[str, ...]  # cleaned heading texts, outermost first
    name: str
    url: str
    description: str
    other_urls: list[str] = field(default_factory=list)  # links in the description, in order
    marker: str | None = None  # a <sup> ordinal or ⭐ next to the name
    legend: list[str] = field(default_factory=list)  # emoji between the link and the description (🐍 🏠 ☁️)
    author: str | None = None  # "(by someone)" before the description
    line: int | None = None


@dataclass
class AwesomeParse:
    servers: list[DiscoveredServer]
    problems: list[tuple[str, str]]  # (where, why) for links that looked like entries but were skipped
    items_seen: int = 0


# ---------------------------------------------------------------- inline markdown

_LINK_RE = re.compile(
    r"(?P<bang>!?)\[(?P<text>(?:[^\[\]]|\[(?:[^\[\]]|\[[^\[\]]*\])*\])*)\]"
    r"(?:\(\s*<?(?P<url>[^()\s>]*(?:\([^()\s]*\)[^()\s>]*)*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)"
    r"|\[(?P<ref>[^\]]*)\])?"
)
_HTML_A_RE = re.compile(r"<a\s[^>]*?href\s*=\s*[\"']([^\"']+)[\"'][^>]*>(.*?)</a\s*>", re.IGNORECASE | re.DOTALL)
_SUP_RE = re.compile(r"<sup>(?:\s*<sup>)?(.*?)(?:</sup>\s*)?</sup>", re.IGNORECASE | re.DOTALL)
_TAG_RE = re.compile(r"<[^>]+>")
_IMG_TAG_RE = re.compile(r"<(?:img|source|picture)\b[^>]*>", re.IGNORECASE)
_REF_DEF_RE = re.compile(r"^\s{0,3}\[([^\]]+)\]:\s*<?(\S+?)>?(?:\s+[\"'(].*)?\s*$")
_LIST_RE = re.compile(r"^(?P<indent>\s*)(?:[-*+]|\d{1,3}[.)])\s+(?P<body>.*)$")
_HEADING_RE = re.compile(r"^\s{0,3}(?P<hashes>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
_FENCE_RE = re.compile(r"^\s{0,3}(```|~~~)")
_EMPHASIS_RE = re.compile(r"(\*\*|__|~~|`|(?<!\s)\*|\*(?!\s)|(?<!\w)_(?=\S)|(?<=\S)_(?!\w))")
_BY_AUTHOR_RE = re.compile(r"^\(by ([^)]{1,80})\)", re.IGNORECASE)
_LEADING_SEP_RE = re.compile(r"^[\s\-–—:|,.•·>*_)]+")


@dataclass
class _Link:
    text: str
    url: str
    start: int
    end: int


def _plain(text: str) -> str:
    """Inline markdown/HTML to plain text: links become their text, images and tags disappear."""
    text = _HTML_A_RE.sub(lambda m: m.group(2), text)
    text = _SUP_RE.sub("", text)

    def link_text(m: re.Match[str]) -> str:
        return "" if m.group("bang") else m.group("text")

    for _ in range(3):  # nested links/images: [![img](x)](y)
        text = _LINK_RE.sub(link_text, text)
    text = _TAG_RE.sub("", text)
    text = _EMPHASIS_RE.sub("", text)
    text = html.unescape(text.replace("\\", ""))
    return re.sub(r"\s+", " ", text).strip()


def _links(body: str, refs: dict[str, str]) -> list[_Link]:
    """Every link of an inline text, in order, with its span; image links and unresolved refs excluded.

    ``<img>`` tags are blanked first (same length, so spans stay valid): lists put markdown inside their
    ``src`` attributes by mistake, and a link inside an attribute is not a link."""
    body = _IMG_TAG_RE.sub(lambda m: " " * len(m.group()), body)
    found: list[_Link] = []
    for m in _HTML_A_RE.finditer(body):
        found.append(_Link(m.group(2), m.group(1), m.start(), m.end()))
    for m in _LINK_RE.finditer(body):
        if m.group("bang"):
            continue
        text = m.group("text")
        url = m.group("url")
        if url is None:
            label = (m.group("ref") or text).strip().lower()
            url = refs.get(label)
            if url is None:
                continue
        if any(f.start <= m.start() < f.end for f in found):
            continue
        found.append(_Link(text, url, m.start(), m.end()))
    found.sort(key=lambda f: f.start)
    return found


def _is_symbol(ch: str) -> bool:
    return unicodedata.category(ch) in {"So", "Sk", "Mn", "Cf"} or ch in "\ufe0f\u200d\u20e3#"


def _split_legend(text: str) -> tuple[list[str], str]:
    """Leading emoji (a list's legend: language, local/cloud, OS) split from the description that follows."""
    legend: list[str] = []
    i = 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        if not _is_symbol(text[i]) or (text[i] == "#" and text[i + 1 : i + 2] not in {"\ufe0f", "\u20e3"}):
            break
        j = i + 1
        # variation selectors and keycaps belong to the emoji; a zero-width joiner glues the next one on
        while j < len(text) and (text[j] in "\ufe0f\u200d\u20e3" or text[j - 1] == "\u200d"):
            j += 1
        legend.append(text[i:j])
        i = j
    return legend, text[i:].strip()


# The legend of the largest awesome lists: what an emoji next to an entry says about the server.
LEGEND_MEANINGS: dict[str, tuple[str, str]] = {
    "🎖️": ("official", "true"),
    "🐍": ("language", "python"),
    "📇": ("language", "typescript"),
    "🏎️": ("language", "go"),
    "🦀": ("language", "rust"),
    "#️⃣": ("language", "csharp"),
    "☕": ("language", "java"),
    "🌊": ("language", "c/c++"),
    "💎": ("language", "ruby"),
    "☁️": ("deployment", "cloud"),
    "🏠": ("deployment", "local"),
    "📟": ("deployment", "embedded"),
    "🍎": ("os", "macos"),
    "🪟": ("os", "windows"),
    "🐧": ("os", "linux"),
}


def legend_extra(legend: list[str]) -> dict[str, object]:
    """Known legend emoji as structured hints (languages, deployment, operating systems, official)."""
    out: dict[str, object] = {}
    for emoji in legend:
        meaning = LEGEND_MEANINGS.get(emoji) or LEGEND_MEANINGS.get(emoji + "\ufe0f")
        if meaning is None:
            continue
        key, value = meaning
        if key == "official":
            out["official"] = True
        else:
            values = out.setdefault(key, [])
            if isinstance(values, list) and value not in values:
                values.append(value)
    return out


def _clean_heading(text: str) -> str:
    """Heading text without emoji, anchors, links and markup: '## 📂 <a name="x"></a>File Systems' -> 'File Systems'."""
    plain = _plain(text)
    kept = []
    for ch in plain:
        cat = unicodedata.category(ch)
        if cat in {"So", "Sk", "Cs", "Co", "Cn", "Mn", "Cf"} or ch in "\ufe0f\u200d":
            continue
        kept.append(ch)
    return re.sub(r"\s+", " ", "".join(kept)).strip(" -–—:")


def _item_from_body(body: str, headings: tuple[str, ...], refs: dict[str, str], line: int | None) -> ListItem | None:
    """The first real link of a bullet and the text after it; None when the bullet is prose, not an entry."""
    for link in _links(body, refs):
        name = _plain(link.text)
        if not name or not link.url:
            continue  # an icon-only link
        prefix = _plain(body[: link.start])
        if len(re.findall(r"[A-Za-z0-9]{2,}", prefix)) > 2:
            return None  # the link sits inside a sentence: not a list entry
        rest = body[link.end :]
        marker = None
        sup = re.match(r"\s*(?:\*\*|__)?\s*" + _SUP_RE.pattern, rest, re.IGNORECASE | re.DOTALL)
        if sup:
            marker = _plain(sup.group(1)) or None
            rest = rest[sup.end() :]
        legend, description = _split_legend(_LEADING_SEP_RE.sub("", _plain(rest)))
        description = _LEADING_SEP_RE.sub("", description).strip()
        author = _BY_AUTHOR_RE.match(description)
        if author:  # "(by someone) - text": the attribution is not part of what the server does
            description = _LEADING_SEP_RE.sub("", description[author.end() :]).strip()
        other = [lk.url for lk in _links(rest, refs) if lk.url]
        return ListItem(
            headings,
            name,
            link.url.strip(),
            description,
            other,
            marker=marker,
            legend=legend,
            line=line,
            author=author.group(1).strip() if author else None,
        )
    return None


def items_from_markdown(markdown: str) -> list[ListItem]:
    """List entries of a markdown README with their heading path (fenced code and HTML comments skipped)."""
    lines = markdown.splitlines()
    refs: dict[str, str] = {}
    for raw in lines:
        m = _REF_DEF_RE.match(raw)
        if m:
            refs.setdefault(m.group(1).strip().lower(), m.group(2))
    items: list[ListItem] = []
    stack: list[tuple[int, str]] = []
    in_fence = False
    in_comment = False
    i = 0
    while i < len(lines):
        raw = lines[i]
        i += 1
        if in_comment:
            in_comment = "-->" not in raw
            continue
        if _FENCE_RE.match(raw):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if raw.lstrip().startswith("<!--") and "-->" not in raw:
            in_comment = True
            continue
        heading = _HEADING_RE.match(raw)
        if heading:
            level = len(heading.group("hashes"))
            stack = [(lv, t) for lv, t in stack if lv < level]
            stack.append((level, _clean_heading(heading.group("text"))))
            continue
        item = _LIST_RE.match(raw)
        if not item or _REF_DEF_RE.match(raw):
            continue
        body = item.group("body")
        start_line = i
        indent = len(item.group("indent").expandtabs(4))
        # Continuation lines: indented deeper, not a new bullet or heading, up to a blank line.
        while i < len(lines):
            nxt = lines[i]
            if not nxt.strip() or _LIST_RE.match(nxt) or _HEADING_RE.match(nxt) or _FENCE_RE.match(nxt):
                break
            if len(nxt) - len(nxt.lstrip()) <= indent and nxt.lstrip().startswith(("<", ">", "|")):
                break
            body += " " + nxt.strip()
            i += 1
        found = _item_from_body(body, tuple(t for _, t in stack if t), refs, start_line)
        if found:
            items.append(found)
    return items


# ---------------------------------------------------------------- HTML

_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def _inline_markdown(node: Node) -> str:
    """A <li>'s own content (nested lists excluded) as mini-markdown, so the markdown item rules apply."""
    parts: list[str] = []
    for child in node.iter(include_text=True):
        tag = child.tag
        if tag in {"ul", "ol"}:
            continue
        if tag == "-text":
            raw = (child.text_content or "").replace("[", "(").replace("]", ")")
            parts.append(html.escape(raw, quote=False))  # text stays text: "<script>" is not a tag here
        elif tag == "a":
            href = child.attributes.get("href") or ""
            label = _inline_markdown(child).strip()
            if href and label:
                parts.append(f"[{label}]({href.replace(' ', '%20')})")
            else:
                parts.append(label)
        elif tag == "sup":
            parts.append(f"<sup>{child.text(deep=True)}</sup>")
        elif tag in {"img", "svg", "picture"}:
            continue
        else:
            parts.append(_inline_markdown(child))
    return "".join(parts)


def items_from_html(html: str) -> list[ListItem]:
    """List entries of a rendered README. On a full GitHub page only the README body is read, not the chrome."""
    tree = HTMLParser(html)
    root = tree.css_first("article.markdown-body") or tree.css_first(".markdown-body") or tree.body or tree.root
    if root is None:
        return []
    items: list[ListItem] = []
    stack: list[tuple[int, str]] = []
    for node in root.css("h1, h2, h3, h4, h5, h6, li"):
        if node.tag in _HEADING_TAGS:
            level = int(node.tag[1])
            stack = [(lv, t) for lv, t in stack if lv < level]
            stack.append((level, _clean_heading(node.text(deep=True))))
            continue
        body = re.sub(r"\s+", " ", _inline_markdown(node)).strip()
        found = _item_from_body(body, tuple(t for _, t in stack if t), {}, None)
        if found:
            items.append(found)
    return items


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:2000].lower()
    return head.startswith(("<!doctype html", "<html")) or "<article" in head or head.startswith("<body")


# ---------------------------------------------------------------- which items are servers

# Sections that lists use for things that are not servers. Matched against the whole cleaned heading.
_EXCLUDED_SECTION_RE = re.compile(
    r"^(?:(?:table of )?contents|toc|index|licen[cs]e|contribut(?:e|ing|ors?|ion guidelines)|how to contribute|"
    r"(?:mcp )?clients?|(?:examples of )?supported clients|for clients|(?:mcp )?frameworks?(?: .*)?|"
    r"(?:sdks?|libraries)|resources|(?:tutorials?|articles?|videos?|talks|guides?)|sponsors?|"
    r"getting started.*|tools (?:&|and) utilities|helpful tools.*|utilities|server managers|legend|"
    r"security warning|star history|community(?: resources)?|support|creating your own server|using .*|"
    r"related(?: .*)?|see also|what is mcp.*|acknowledg(?:e)?ments|credits|faq)$",
    re.IGNORECASE,
)
_SKIP_NAME_RE = re.compile(r"^(?:licen[cs]e|contributing|code of conduct|back to top|↑|top)$", re.IGNORECASE)
_SKIP_PATH_RE = re.compile(r"(?:^|/)(?:licen[cs]e|contributing|code_of_conduct)(?:\.md|\.txt)?$", re.IGNORECASE)
_IMAGE_RE = re.compile(r"\.(?:svg|png|jpe?g|gif|webp|ico)(?:$|\?)", re.IGNORECASE)
_BADGE_HOSTS = ("shields.io", "badge.fury.io", "badgen.net", "awesome.re", "travis-ci.", "codecov.io", "deepwiki.com")
_NOT_SERVER_HOSTS = (
    "creativecommons.org",
    "opensource.org",
    "raw.githubusercontent.com",
    "user-images.githubusercontent.com",
)


_BARE_DOMAIN_RE = re.compile(r"^(?:www\.)?[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}(?:/\S*)?$", re.IGNORECASE)


def excluded_section(headings: tuple[str, ...]) -> bool:
    return any(_EXCLUDED_SECTION_RE.match(h.strip()) for h in headings)


def _is_archived_section(headings: tuple[str, ...]) -> bool:
    return any(re.search(r"\barchived?\b", h, re.IGNORECASE) for h in headings)


def _is_official_section(headings: tuple[str, ...]) -> bool:
    return any(re.search(r"\b(official|reference)\b", h, re.IGNORECASE) for h in headings)


def _resolve(url: str, base_url: str | None) -> str | None:
    """Absolute URL for a link; relative links need the list's own location (``base_url``)."""
    url = url.strip()
    if "%5D(" in url.upper():
        url = unquote(url)  # the same broken link after a renderer percent-encoded it
    if "](" in url:  # a link broken into nested markdown: take the last absolute URL inside it
        inner = re.findall(r"https?:/+[^\s\]\)<>]+", url)
        return re.sub(r"^(https?:)/+", r"\1//", inner[-1]) if inner else None
    lowered = url.lower()
    if lowered.startswith(("npm:", "pypi:", "http://", "https://", "git+", "git@", "github:")):
        return url
    if lowered.startswith(("#", "mailto:", "javascript:", "tel:", "data:")):
        return None
    if _BARE_DOMAIN_RE.match(url):
        return "https://" + url
    if not base_url:
        return None
    base = base_url if base_url.endswith("/") else base_url + "/"
    return urljoin(base, url)


@dataclass
class _Target:
    external_id: str
    url: str
    repo: RepoRef | None = None
    package: PackageRef | None = None


def _classify_link(url: str) -> _Target | str:
    """What a link points at: a repository, a package, a homepage, or (a string) why it is not a server."""
    package = package_from_url(url)
    if package is not None:
        return _Target(package.key(), url, package=package)
    parts = urlsplit(url)
    host = parts.netloc.lower()
    if _IMAGE_RE.search(parts.path) or any(b in host for b in _BADGE_HOSTS):
        return "image or badge"
    if any(h in host for h in _NOT_SERVER_HOSTS) or _SKIP_PATH_RE.search(parts.path.rstrip("/")):
        return "licence, contributing or raw file"
    repo = parse_repo_url(url)
    if repo is not None:
        ext = repo.key + (f"/{repo.subfolder}".lower() if repo.subfolder else "")
        link = repo.url + (f"/tree/{repo.branch}/{repo.subfolder}" if repo.subfolder and repo.branch else "")
        return _Target(ext, link, repo=repo)
    bare_host = host.removeprefix("www.")
    if bare_host in {"github.com", "gitlab.com"}:
        segments = [s for s in parts.path.split("/") if s]
        if len(segments) != 1 or segments[0].lower() in GITHUB_RESERVED_OWNERS:
            return "forge page that is not a repository or an owner (topic, gist, discussion)"
        # An owner's page listed as a server (an org that hosts several servers): a homepage, no repository.
    if parts.scheme not in {"http", "https"} or not host:
        return "not a web link"
    canon = f"{parts.scheme}://{host.removeprefix('www.')}{parts.path.rstrip('/')}"
    return _Target(canon.lower(), url)


def servers_from_items(
    items: list[ListItem], *, list_name: str, base_url: str | None = None, source: str = "awesome"
) -> AwesomeParse:
    """Keep the items that are servers; merge repeats within the list (categories accumulate)."""
    has_sections = any(len(item.headings) >= 2 for item in items)
    problems: list[tuple[str, str]] = []
    by_id: dict[str, DiscoveredServer] = {}
    for item in items:
        if excluded_section(item.headings) or (has_sections and len(item.headings) < 2):
            continue
        if _SKIP_NAME_RE.match(item.name):
            continue
        absolute = _resolve(item.url, base_url)
        if absolute is None:
            if not item.url.startswith("#") and not item.url.lower().startswith("mailto:"):
                problems.append((f"{list_name}:{item.line or '?'}", f"relative link {item.url!r} needs a base URL"))
            continue
        target = _classify_link(absolute)
        if isinstance(target, str):
            continue
        category = item.headings[-1] if item.headings else None
        existing = by_id.get(target.external_id)
        if existing is not None:
            if category and category not in existing.categories:
                existing.categories.append(category)
            continue
        packages = [target.package] if target.package else []
        for other in item.other_urls:
            pkg = package_from_url(other)
            if pkg and pkg.key() not in {p.key() for p in packages}:
                packages.append(pkg)
        extra: dict[str, object] = {"list": list_name, "section": list(item.headings)}
        if target.repo is None and target.package is None:
            extra["homepage"] = target.url
        if target.repo is not None and target.repo.branch:
            extra["repository_branch"] = target.repo.branch
        if item.marker:
            extra["marker"] = item.marker
        if item.author:
            extra["author"] = item.author
        if item.legend:
            extra["legend"] = item.legend
            extra.update(legend_extra(item.legend))
        if item.marker == "⭐" or _is_official_section(item.headings):
            extra["official"] = True
        if _is_archived_section(item.headings):
            extra["archived"] = True
        by_id[target.external_id] = DiscoveredServer(
            source=source,
            external_id=target.external_id,
            name=item.name,
            url=target.url,
            description=item.description or None,
            repository_url=target.repo.url if target.repo else None,
            repository_subfolder=target.repo.subfolder if target.repo else None,
            packages=packages,
            status="deprecated" if extra.get("archived") else "active",
            categories=[category] if category else [],
            extra=extra,
        )
    return AwesomeParse(servers=list(by_id.values()), problems=problems, items_seen=len(items))


def parse_awesome(text: str, *, list_name: str, base_url: str | None = None) -> AwesomeParse:
    """A whole list document (markdown or HTML, detected) to servers."""
    items = items_from_html(text) if looks_like_html(text) else items_from_markdown(text)
    return servers_from_items(items, list_name=list_name, base_url=base_url)
