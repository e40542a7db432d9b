"""The web coach: FastAPI app factory, server-rendered pages and a JSON API."""

from backfit.web.app import create_app

__all__ = ["create_app"]
