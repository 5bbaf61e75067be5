"""Source configuration: what to crawl for each outlet, read from YAML."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from rasad.errors import ConfigError

from .cms import PROFILES, Profile

SELECTOR_KEYS = ("title", "lead", "body", "date", "author", "tags", "credit")


@dataclass(frozen=True)
class Source:
    name: str
    city: str | None = None
    title: str | None = None  # the outlet's name as readers know it (شهرآرانیوز)
    listing: tuple[str, ...] = ()
    rss: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    article_pattern: str = ""
    links: str = "a::attr(href)"
    next_page: str = "a[rel=next]::attr(href)"
    selectors: dict[str, str] = field(default_factory=dict)
    # the fetch policy (crawler/policy.py): more hosts the source may lead to, and whether
    # loopback or private addresses are allowed (only for a local fixture site)
    hosts: tuple[str, ...] = ()
    allow_private: bool = False
    cms: str | None = None  # the profile (crawler/cms.py) its defaults come from
    exclude: tuple[str, ...] = ()  # URL patterns that are never articles (about us, ads)
    unverified: bool = False  # its selectors were not checked against the real pages

    def to_dict(self) -> dict[str, Any]:
        """The entry as a sources file writes it."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Source:
        name = data.get("name")
        if not name:
            raise ConfigError(f"a source has no name: {data!r}")
        unknown = set(data.get("selectors", {})) - set(SELECTOR_KEYS)
        if unknown:
            raise ConfigError(f"source {name}: unknown selectors {sorted(unknown)}")
        if not (data.get("listing") or data.get("rss") or data.get("sitemaps")):
            raise ConfigError(f"source {name}: give at least one of listing, rss, sitemaps")
        profile = _profile(name, data.get("cms"))
        selectors = {**(profile.selectors if profile else {}), **data.get("selectors", {})}
        return cls(
            name=name,
            city=data.get("city"),
            title=data.get("title"),
            listing=tuple(data.get("listing", ())),
            rss=tuple(data.get("rss", ())),
            sitemaps=tuple(data.get("sitemaps", ())),
            article_pattern=data.get("article_pattern", profile.article_pattern if profile else ""),
            links=data.get("links", profile.links if profile else cls.links),
            next_page=data.get("next_page", profile.next_page if profile else cls.next_page),
            selectors=selectors,
            hosts=tuple(data.get("hosts", ())),
            allow_private=bool(data.get("allow_private", False)),
            cms=profile.name if profile else None,
            exclude=tuple(data.get("exclude", ())),
            unverified=bool(data.get("unverified", profile.unverified if profile else False)),
        )


def _profile(name: str, cms: str | None) -> Profile | None:
    if not cms:
        return None
    if cms not in PROFILES:
        raise ConfigError(f"source {name}: unknown cms {cms!r}; known: {', '.join(PROFILES)}")
    return PROFILES[cms]


def load_sources(path: str | Path | None = None) -> dict[str, Source]:
    """The sources of a YAML file, or the built-in crawler/sources.yaml when none is given."""
    if path is None:
        return builtin_sources()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read the sources file {path}: {exc}") from None
    return _parse(text)


def builtin_sources() -> dict[str, Source]:
    """The outlets Rasad knows out of the box (crawler/sources.yaml)."""
    return _parse(resources.files("rasad.crawler").joinpath("sources.yaml").read_text("utf-8"))


def _parse(text: str) -> dict[str, Source]:
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"the sources file is not valid YAML: {exc}") from None
    sources = [Source.from_dict(entry) for entry in data.get("sources", [])]
    return {s.name: s for s in sources}


def add_source(path: Path, entry: dict[str, Any]) -> Source:
    """Append an entry to a sources file (made from the built-in list when it does not
    exist yet), keeping what the file says, comments included; refuse a name in use."""
    source = Source.from_dict(entry)
    if path.exists():
        text = path.read_text(encoding="utf-8")
        known = _parse(text)
    else:
        known = builtin_sources()
        text = yaml.safe_dump(
            {"sources": [s.to_dict() for s in known.values()]}, allow_unicode=True, sort_keys=False
        )
    if source.name in known:
        raise ConfigError(f"a source named {source.name} is already in {path}")
    block = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False)
    items = re.findall(r"^( *)- ", text, flags=re.MULTILINE)  # the entries' own indent
    indent = min(items, key=len) if items else "  "
    text = text.rstrip("\n") + "\n" + "".join(f"{indent}{line}\n" for line in block.splitlines())
    _parse(text)  # the file still reads, with the new entry in it
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return source
