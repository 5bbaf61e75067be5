"""The HTTP API and the web page (FastAPI); `create_app` builds the application."""

from .app import create_app

__all__ = ["create_app"]
