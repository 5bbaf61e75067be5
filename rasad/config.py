"""Settings: one object, read once from the environment (and an optional file), passed down.

Every setting is an environment variable `RASAD_<NAME>`; `RASAD_ENV_FILE` names an
optional file of `RASAD_NAME=value` lines read first (the environment wins).  A command
reads `Settings.load()` once and hands the object (or what it opens) to the parts that need
it; nothing below the command line reads the environment.

    RASAD_STORE        a SQLite path or sqlite:///path (the embedded default), or
                       http://host:9200 for Elasticsearch (several nodes of one cluster
                       joined by commas: http://a:9200,http://b:9200)
    RASAD_ES_PREFIX    the name prefix of the Elasticsearch indices (default rasad)
    RASAD_ES_SHARDS, RASAD_ES_REPLICAS  primary shards and replicas of each index
                       Elasticsearch makes from now on (default 1 and 0; one replica on
                       a cluster of three lets it lose a node)
    RASAD_SPOOL        where Elasticsearch writes wait while the cluster is unreachable
    RASAD_SOURCES      the sources file (YAML) to crawl; the built-in one otherwise
    RASAD_NER_MODEL    a Hugging Face token-classification model id or local directory
    RASAD_CRAWL_EVERY  minutes between scheduled crawls of `rasad run` (default 60)
    RASAD_WEBHOOK      a URL that receives each crawl's new alerts as a JSON POST
    RASAD_CACHE_SECONDS  how long a server process reuses a search's results (0: off)
    RASAD_CACHE_MEGABYTES  how much memory that cache may hold per process (default 64)
    RASAD_ALLOWED_HOSTS  host names the server answers for, comma-separated (default
                       loopback only: 127.0.0.1, localhost, ::1; * for any)
    RASAD_USER_AGENT, RASAD_CRAWL_DELAY, RASAD_CRAWL_CONCURRENCY, RASAD_CRAWL_TIMEOUT
                       the crawler's identity, seconds between requests to a site,
                       requests at a time per site, seconds before a request times out
    RASAD_CRAWL_WORKERS  processes that extract figures beside a crawl (default: one on
                       a machine with two cores or more; 0: in the crawl's own process)
    RASAD_DISCOVER_PRIVATE  whether adding a source from the page may reach loopback and
                       private addresses (off; for your own test sites only)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from rasad.errors import ConfigError

if TYPE_CHECKING:
    from rasad.digests import Digests
    from rasad.index import Store
    from rasad.nlp.extract import Extractor

DATA_HOME = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "rasad"


class Settings(BaseSettings):
    """Everything configurable, with its default."""

    model_config = SettingsConfigDict(env_prefix="RASAD_", extra="ignore", frozen=True)

    store: str = f"sqlite:///{DATA_HOME / 'rasad.db'}"
    es_prefix: str = "rasad"
    es_shards: int = Field(default=1, ge=1)
    es_replicas: int = Field(default=0, ge=0)
    # credentials for an Elasticsearch with security on (compose); kept out of RASAD_STORE
    es_user: str | None = None
    es_password: SecretStr | None = None
    spool: Path = DATA_HOME / "spool"
    sources: Path | None = None
    ner_model: str | None = None
    crawl_every: float = Field(60, gt=0, description="minutes between scheduled crawls")
    webhook: str | None = None
    # e-mail digests of alert matches (off while smtp_host is unset)
    smtp_host: str | None = None
    smtp_port: int = Field(25, ge=1, le=65535)
    smtp_from: str = "rasad@localhost"
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    # the address people open the page at, for links in digests (else the article's own)
    page_url: str = ""
    cache_seconds: float = Field(10, ge=0)
    cache_megabytes: float = Field(64, ge=0, description="search cache per server process")
    # host names the server answers for (comma-separated in the environment); * for any
    allowed_hosts: str = "127.0.0.1,localhost,::1"
    # whether search, articles, figures and series answer callers who are not logged in
    anonymous_reads: bool = False
    user_agent: str | None = None
    crawl_delay: float | None = Field(None, ge=0)
    crawl_concurrency: int | None = Field(None, ge=1)
    crawl_timeout: float | None = Field(None, gt=0)
    crawl_workers: int | None = Field(None, ge=0)
    # whether adding a source may reach loopback and private addresses (own test sites only)
    discover_private: bool = False

    @classmethod
    def load(cls, env_file: str | Path | None = None, **overrides: Any) -> Settings:
        """Read the settings; a bad value is a ConfigError naming the variable."""
        env_file = env_file or os.environ.get("RASAD_ENV_FILE") or None
        try:
            return cls(_env_file=env_file, **overrides)  # type: ignore[call-arg]
        except ValidationError as exc:
            problems = "; ".join(
                f"RASAD_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors()
            )
            raise ConfigError(f"invalid setting — {problems}") from None

    def digests(self, store: Store) -> Digests | None:
        """The e-mail digests, when an SMTP server is configured."""
        from rasad.digests import Digests, Smtp

        if not self.smtp_host:
            return None
        password = self.smtp_password.get_secret_value() if self.smtp_password else None
        smtp = Smtp(
            self.smtp_host,
            self.smtp_port,
            self.smtp_from,
            self.smtp_user,
            password,
            self.smtp_starttls,
        )
        return Digests(store, smtp, self.page_url)

    def hosts(self) -> list[str]:
        return [h.strip().strip("[]") for h in self.allowed_hosts.split(",") if h.strip()]

    def open_store(self, url: str | None = None) -> Store:
        """The store at `url` (default: the configured one), with this backend's settings."""
        from rasad.index import open_store

        url = url or self.store
        if url.startswith(("http://", "https://")):
            auth = None
            if self.es_password is not None:
                auth = (self.es_user or "elastic", self.es_password.get_secret_value())
            return open_store(
                url,
                spool_dir=self.spool,
                prefix=self.es_prefix,
                basic_auth=auth,
                shards=self.es_shards,
                replicas=self.es_replicas,
            )
        return open_store(url)

    def extractor(self, ner_model: str | None = None) -> Extractor:
        """The figure extractor with the configured named-entity model (or the gazetteer)."""
        from rasad.nlp.entities import make_recognizer
        from rasad.nlp.extract import Extractor

        return Extractor(make_recognizer(ner_model or self.ner_model))

    def crawl_overrides(self) -> dict[str, Any]:
        """The Scrapy settings these override (politeness is configurable)."""
        names = {
            "user_agent": "USER_AGENT",
            "crawl_delay": "DOWNLOAD_DELAY",
            "crawl_concurrency": "CONCURRENT_REQUESTS_PER_DOMAIN",
            "crawl_timeout": "DOWNLOAD_TIMEOUT",
        }
        values = {scrapy: getattr(self, mine) for mine, scrapy in names.items()}
        return {name: value for name, value in values.items() if value is not None}
