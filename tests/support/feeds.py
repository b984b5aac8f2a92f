"""Reading a feed as a feed reader does: fetched, parsed, and refused if it is not well formed."""

import feedparser


def read_feed(client, url):
    """The feed at ``url``, parsed by feedparser; fails unless it answers 200 with a well-formed feed."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return feed
