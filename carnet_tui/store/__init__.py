"""The peewee store: models, opening a database, schema migrations."""
