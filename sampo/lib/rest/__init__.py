"""Plumbing shared by every app's REST resources (`<app>/api.py`): problem responses, cursor
pages, versions as ETags, bulk upsert. The API itself is assembled in `sampo.api`."""
