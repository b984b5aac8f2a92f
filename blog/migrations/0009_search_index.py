from django.db import migrations

# SQLite: an FTS5 index of every post (title, tag names, dek, body as plain
# text; porter stemming, prefix indexes) and its vocabulary, for ranked,
# prefix and phrase search and spelling suggestions. blog.search keeps it in
# step after each commit. PostgreSQL: trigram matching on titles and tag
# names, for near-miss spellings (the ranked search has its stored vector).
SQLITE_CREATE = [
    """CREATE VIRTUAL TABLE blog_post_fts USING fts5(
        title, tags, dek, body,
        tokenize = 'porter unicode61 remove_diacritics 2', prefix = '2 3'
    )""",
    "CREATE VIRTUAL TABLE blog_post_fts_vocab USING fts5vocab(blog_post_fts, row)",
]
SQLITE_DROP = ["DROP TABLE IF EXISTS blog_post_fts_vocab", "DROP TABLE IF EXISTS blog_post_fts"]
POSTGRES_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX blog_post_title_trgm ON blog_post USING gin (title gin_trgm_ops)",
    "CREATE INDEX taggit_tag_name_trgm ON taggit_tag USING gin (name gin_trgm_ops)",
]
POSTGRES_DROP = ["DROP INDEX IF EXISTS blog_post_title_trgm", "DROP INDEX IF EXISTS taggit_tag_name_trgm"]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in POSTGRES_CREATE:
            schema_editor.execute(statement)
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)
        from blog.search import sqlite_index_rows

        Post = apps.get_model("blog", "Post")
        TaggedPost = apps.get_model("blog", "TaggedPost")
        with schema_editor.connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO blog_post_fts (rowid, title, tags, dek, body) VALUES (%s, %s, %s, %s, %s)",
                sqlite_index_rows(Post.objects.all(), TaggedPost.objects.all()),
            )


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = POSTGRES_DROP if vendor == "postgresql" else SQLITE_DROP if vendor == "sqlite" else []
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0008_series"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create, drop)]
