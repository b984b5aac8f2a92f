from django.db import migrations

# SQLite: the words of every post as written, for spelling suggestions. The
# search index's own vocabulary holds porter stems ("infer" for "inference"),
# which a typo resembles less than the word and a reader should never be
# shown. Contentless and without positions, it holds only which words occur;
# blog.search keeps it in step with blog_post_fts.
SQLITE_CREATE = [
    """CREATE VIRTUAL TABLE blog_post_words USING fts5(
        words, content = '', detail = none, tokenize = 'unicode61 remove_diacritics 2'
    )""",
    "CREATE VIRTUAL TABLE blog_post_words_vocab USING fts5vocab(blog_post_words, row)",
]
SQLITE_DROP = ["DROP TABLE IF EXISTS blog_post_words_vocab", "DROP TABLE IF EXISTS blog_post_words"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in SQLITE_CREATE:
        schema_editor.execute(statement)
    from blog.search import INDEXED_WORDS

    schema_editor.execute(f"INSERT INTO blog_post_words (rowid, words) SELECT rowid, {INDEXED_WORDS} FROM blog_post_fts")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("blog", "0015_verdict_tally_rank")]

    operations = [migrations.RunPython(create, drop)]
