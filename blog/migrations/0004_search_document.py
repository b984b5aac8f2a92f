import django.contrib.postgres.search
from django.db import migrations

# On PostgreSQL only: fill the stored document of existing posts (the same
# document as blog.search.document_vector builds) and index it. SQLite
# searches with a plain match and leaves the column empty.
FILL_AND_INDEX = """
UPDATE blog_post AS p SET search_document =
    setweight(to_tsvector('english', coalesce(p.title, '')), 'A')
    || setweight(to_tsvector('english', coalesce((
        SELECT string_agg(t.name, ' ')
        FROM blog_taggedpost AS tp JOIN taggit_tag AS t ON t.id = tp.tag_id
        WHERE tp.content_object_id = p.id
    ), '')), 'B')
    || setweight(to_tsvector('english', coalesce(p.dek, '')), 'B')
    || setweight(to_tsvector('english', coalesce(p.body, '')), 'C');
CREATE INDEX blog_post_search_document_gin ON blog_post USING gin (search_document);
"""
DROP_INDEX = "DROP INDEX IF EXISTS blog_post_search_document_gin;"


def fill_and_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILL_AND_INDEX)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0003_hindsight_credits"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="search_document",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(fill_and_index, drop_index),
    ]
