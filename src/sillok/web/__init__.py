"""The web application (FastAPI + Jinja2)."""
