"""pv: pharmacovigilance for online patient communities.

Kept free of imports so that the pure cores and the database-free CLI commands start fast;
the Celery app is created in `pv.celery`, imported by `PvConfig.ready()`.
"""
