"""Alembic environment: runs on the connection `central.storage.upgrade` hands over."""

from alembic import context

from central.storage.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # `alembic` command line for writing new revisions: use MOTCUA_DB
    from central.storage import make_engine

    connection = make_engine(None).connect()
context.configure(connection=connection, target_metadata=metadata, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
