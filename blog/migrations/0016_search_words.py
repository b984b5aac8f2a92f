from django.db import migrations

# The words of every post as written, for spelling suggestions (blog.search
# keeps them in step). SQLite: the search index's own vocabulary holds porter
# stems ("infer" for "inference"), which a typo resembles less than the word
# and a reader should never be shown; this second index is contentless and
# without positions: it holds only which words occur. PostgreSQL: a table of
# words with a trigram index, for the word most like a misspelt one.
SQLITE_CREATE = [
    """CREATE VIRTUAL TABLE blog_post_words USING fts5(
        words, content = '', detail = none, tokenize = 'unicode61 remove_diacritics 2'
    )""",
    "CREATE VIRTUAL TABLE blog_post_words_vocab USING fts5vocab(blog_post_words, row)",
]
SQLITE_DROP = ["DROP TABLE IF EXISTS blog_post_words_vocab", "DROP TABLE IF EXISTS blog_post_words"]
POSTGRES_CREATE = [
    "CREATE TABLE blog_post_words (word text PRIMARY KEY)",
    "CREATE INDEX blog_post_words_trgm ON blog_post_words USING gin (word gin_trgm_ops)",
]
POSTGRES_DROP = ["DROP TABLE IF EXISTS blog_post_words"]


def create(apps, schema_editor):
    from blog.search import INDEXED_WORDS, add_post_words

    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)
        schema_editor.execute(
            f"INSERT INTO blog_post_words (rowid, words) SELECT rowid, {INDEXED_WORDS} FROM blog_post_fts"
        )
    elif vendor == "postgresql":
        for statement in POSTGRES_CREATE:
            schema_editor.execute(statement)
        post_ids = apps.get_model("blog", "Post").objects.values_list("pk", flat=True)
        with schema_editor.connection.cursor() as cursor:
            add_post_words(cursor, post_ids)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = POSTGRES_DROP if vendor == "postgresql" else SQLITE_DROP if vendor == "sqlite" else []
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("blog", "0015_verdict_tally_rank")]

    operations = [migrations.RunPython(create, drop)]
